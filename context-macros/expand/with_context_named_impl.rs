#[with_context(RequestCtx, TenantCtx)]
impl OrderService {
    fn enqueue(&self, job: Job) {
        let _ = vec![tokio::spawn(self.queue.push(job))];
    }

    async fn nothing_to_rewrite(&self) {}
}
