/**
 * The {@code onnx} format: serves ONNX models (scikit-learn via skl2onnx, PyTorch via {@code torch.onnx},
 * LightGBM and XGBoost via onnxmltools) with ONNX Runtime. {@link dev.modelregistry.onnx.OnnxModelLoader}
 * is found by {@link java.util.ServiceLoader} when this module is on the classpath, and is configured with
 * {@link dev.modelregistry.onnx.OnnxOptions}.
 */
@NullMarked
package dev.modelregistry.onnx;

import org.jspecify.annotations.NullMarked;
