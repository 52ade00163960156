//! The education office's accounts in the browser: who has one and as what, a new account
//! (a person's own account names its person), a new password, an account disabled (its
//! sessions and tokens end), an API token made (shown once, on the page that made it) or
//! revoked. Administrators only; each form one `xhht-app` call.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use xhht_app::auth::AuthUser;
use xhht_core::access::{Action, Resource, Role};

use crate::error::ApiError;
use crate::http::{Auth, MaybeAuth};
use crate::state::AppState;

use super::work::Fields;
use super::{Frame, PageOpts, error_page, lang_of, require_login, role_label, with_cookie};

/// One account as the page lists it.
struct Row {
    name: String,
    role: &'static str,
    organisation: String,
    person: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts.html")]
struct AccountsPage {
    frame: Frame,
    rows: Vec<Row>,
    roles: Vec<(&'static str, &'static str)>,
    done: bool,
    /// A token just made: shown once.
    token: Option<(String, String)>,
}

async fn page(
    state: &AppState,
    user: &AuthUser,
    frame: Frame,
    done: bool,
    token: Option<(String, String)>,
) -> Result<AccountsPage, ApiError> {
    Auth(user.clone()).require(Action::Administer, &Resource::Users, false)?;
    let lang = frame.lang;
    let rows = state
        .app()
        .users()
        .await?
        .into_iter()
        .map(|u| Row {
            name: u.principal.user,
            role: role_label(u.principal.role, lang),
            organisation: u.principal.organisation.unwrap_or_default(),
            person: u.person.unwrap_or_default(),
        })
        .collect();
    let roles = [Role::Unit, Role::Member, Role::Reviewer, Role::Verifier, Role::Viewer, Role::Admin]
        .into_iter()
        .map(|r| (r.id(), role_label(r, lang)))
        .collect();
    Ok(AccountsPage { frame, rows, roles, done, token })
}

/// The page's options.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct AccountOpts {
    lang: Option<String>,
    done: Option<u8>,
}

pub(super) async fn accounts_page(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Query(opts): Query<AccountOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, set) = lang_of(&PageOpts { lang: opts.lang.clone(), ..PageOpts::default() }, &headers);
    let frame = Frame::new(lang, &user, "/accounts");
    match page(&state, &user, frame.clone(), opts.done.is_some(), None).await {
        Ok(p) => with_cookie(p, set),
        Err(e) => error_page(Some(frame), lang, e),
    }
}

pub(super) async fn account_step(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Path(what): Path<String>,
    body: Bytes,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, _) = lang_of(&PageOpts::default(), &headers);
    let frame = Frame::new(lang, &user, "/accounts");
    let f = Fields::parse(&body);
    let app = state.app();
    let actor = user.principal.user.clone();
    let done: Result<Option<(String, String)>, ApiError> = async {
        Auth(user.clone()).require(Action::Administer, &Resource::Users, false)?;
        match what.as_str() {
            "add" => {
                let name = f.need("name")?;
                let role = f.need("role")?;
                let password = f.get("password");
                if role == Role::Member.id() {
                    app.add_member(&actor, name, f.need("person")?, password).await?;
                } else {
                    app.add_user(&actor, name, role, f.get("organisation"), password).await?;
                    if let Some(p) = f.get("person") {
                        app.link_person(&actor, name, Some(p)).await?;
                    }
                }
                Ok(None)
            }
            "password" => {
                app.set_password(&actor, f.need("name")?, Some(f.need("password")?)).await?;
                Ok(None)
            }
            "disable" => {
                app.disable_user(&actor, f.need("name")?).await?;
                Ok(None)
            }
            "token" => {
                let name = f.need("name")?;
                let token = app.create_token(&actor, name, f.get("token_name").unwrap_or("dashboard")).await?;
                Ok(Some((name.to_owned(), token)))
            }
            "revoke" => {
                let n = app.revoke_token(&actor, f.need("prefix")?).await?;
                if n == 0 {
                    return Err(ApiError::NotFound(
                        "không có mã truy cập với tiền tố này / no token with this prefix".to_owned(),
                    ));
                }
                Ok(None)
            }
            _ => Err(ApiError::NotFound("không có thao tác này / no such action".to_owned())),
        }
    }
    .await;
    match done {
        Ok(None) => Redirect::to("/accounts?done=1").into_response(),
        // A token is shown once, on the page that made it (never in an address).
        Ok(Some(token)) => match page(&state, &user, frame.clone(), true, Some(token)).await {
            Ok(p) => p.into_response(),
            Err(e) => error_page(Some(frame), lang, e),
        },
        Err(e) => error_page(Some(frame), lang, e),
    }
}
