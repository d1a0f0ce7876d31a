// TensorIO
