//! Moves events from SQS to S3 and Postgres (benchmark fixture: never built).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().json().init();
    let config = aws_config::load_from_env().await;
    let s3 = aws_sdk_s3::Client::new(&config);
    let sqs = aws_sdk_sqs::Client::new(&config);
    tracing::info!(?s3, ?sqs, "worker started");
    Ok(())
}
