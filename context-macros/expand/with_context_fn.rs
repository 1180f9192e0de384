#[with_context]
async fn place_order(order: Order) {
    tokio::spawn(async move { audit(order.id).await });
    tokio::task::spawn_blocking(|| render_invoice());
    std::thread::spawn(|| legacy_sync_call());
    let mut set = tokio::task::JoinSet::new();
    set.spawn(async { notify().await });
    fn helper() {
        tokio::spawn(async {}); // a nested fn is another function: left alone
    }
}
