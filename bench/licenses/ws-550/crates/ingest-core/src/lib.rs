//! Event model shared by the worker and the admin service (benchmark fixture: never built).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub id: Uuid,
    pub source: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub payload: serde_json::Value,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("event {0} was already stored")]
    Duplicate(Uuid),
}
