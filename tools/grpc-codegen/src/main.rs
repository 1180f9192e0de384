//! Regenerates `context-runtime/examples/grpc/orders.rs` from `orders.proto` beside it, with a
//! protobuf compiler written in Rust (protox): no `protoc`. Run by `generate.sh`.

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../context-runtime/examples/grpc");
    let descriptors = protox::compile([dir.join("orders.proto")], [&dir])?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .out_dir(&dir)
        .compile_fds(descriptors)?;
    Ok(())
}
