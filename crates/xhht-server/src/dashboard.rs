//! The dashboard (server-rendered HTML).

use axum::Router;

use crate::state::AppState;

pub(crate) fn router(_upload_limit: usize) -> Router<AppState> {
    Router::new()
}
