//! Users, tokens and sessions kept by the store: added, checked, revoked, ended.

use xhht_app::App;
use xhht_core::access::Role;

fn temp_db(tag: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("xhht-app-it-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("xhht.db").to_str().unwrap().to_owned();
    (dir, db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_and_sessions_authenticate_until_revoked_or_ended() {
    let (dir, db) = temp_db("accounts");
    let app = App::open(&db).await.unwrap();
    app.add_user("test", "ana", "unit", Some("THCS-A"), Some("a long password")).await.unwrap();
    assert!(app.add_user("test", "bad name", "viewer", None, None).await.is_err());
    assert!(app.add_user("test", "v", "viewer", Some("THCS-A"), None).await.is_err(), "a viewer has no organisation");
    assert!(app.add_user("test", "u", "unit", None, None).await.is_err(), "a unit needs one");
    let token = app.create_token("test", "ana", "laptop").await.unwrap();
    assert!(token.starts_with("xhht_") && token.len() == 69, "{token}");
    let who = app.token_user(&token).await.unwrap().unwrap();
    assert_eq!((who.principal.role, who.principal.organisation.as_deref()), (Role::Unit, Some("THCS-A")));
    assert_eq!(app.token_user(&format!("{token}0")).await.unwrap(), None);
    // Login: the right password only.
    assert!(app.login("ana", "a long password").await.unwrap().is_some());
    assert!(app.login("ana", "wrong password").await.unwrap().is_none());
    assert!(app.login("nobody", "a long password").await.unwrap().is_none());
    let cookie = app.create_session("ana", 3600).await.unwrap();
    assert_eq!(app.session_user(&cookie).await.unwrap().map(|u| u.principal.user), Some("ana".to_owned()));
    app.end_session(&cookie).await.unwrap();
    assert_eq!(app.session_user(&cookie).await.unwrap(), None);
    // Revoked: the token stops working; the audit trail has both, and still holds.
    assert_eq!(app.revoke_token("test", &token[5..13]).await.unwrap(), 1);
    assert_eq!(app.token_user(&token).await.unwrap(), None);
    assert!(app.link_person("test", "ana", Some("CB1")).await.is_err(), "a person on record only");
    let cb1 = xhht_core::entity::Person {
        id: "CB1".into(),
        full_name: "Cán Bộ Một".into(),
        birth_year: None,
        citizen_id: None,
        category: xhht_core::entity::PersonCategory::CanBo,
        area: None,
    };
    app.store().put_people("test", &[cb1]).await.unwrap();
    let version = app.store().data_version().await.unwrap();
    app.link_person("test", "ana", Some("CB1")).await.unwrap();
    // A person's own account names a person on record too.
    assert!(app.add_user("test", "m", "member", None, None).await.is_err(), "a member names its person");
    assert!(app.add_member("test", "m", "NOBODY", None).await.is_err());
    app.add_member("test", "m", "CB1", None).await.unwrap();
    assert!(app.add_member("test", "m", "CB1", None).await.is_err(), "the name is taken");
    assert_eq!(app.users().await.unwrap()[0].person.as_deref(), Some("CB1"));
    assert!(app.link_person("test", "nobody", None).await.is_err());
    let store = app.store();
    assert!(store.audit_verify().await.unwrap().is_ok());
    let history = store.audit_history("api_tokens", &format!("ana/{}", &token[5..13])).await.unwrap();
    assert_eq!(history.len(), 1);
    assert!(!history[0].after.as_deref().unwrap_or_default().contains(&token[5..]), "no secret in the audit trail");
    // Accounts are not records: the data version did not move.
    assert_eq!(store.data_version().await.unwrap(), version);
    app.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
