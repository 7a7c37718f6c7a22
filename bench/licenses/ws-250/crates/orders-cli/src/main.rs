//! Command-line client for the orders API (benchmark fixture: never built).

use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(long, env = "ORDERS_URL", default_value = "http://localhost:8080")]
    url: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let body = reqwest::get(format!("{}/health", args.url)).await?.text().await?;
    println!("{body}");
    Ok(())
}
