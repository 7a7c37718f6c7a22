//! Admin HTTP service for the ingest pipeline (benchmark fixture: never built).

use axum::{Router, routing::get};
use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(long, env = "ADMIN_ADDR", default_value = "0.0.0.0:9090")]
    addr: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt().json().init();
    let app = Router::new().route("/health", get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(&args.addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
