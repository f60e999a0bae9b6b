/** The kernels of libsvm / scikit-learn's `OneClassSVM` (and ONNX `SVMRegressor`'s `kernel_type`, lower-cased). */
export type SvmKernel = "linear" | "poly" | "rbf" | "sigmoid";
