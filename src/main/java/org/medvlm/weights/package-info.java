/**
 * Pretrained encoder weights as users get them, read without executing anything: safetensors,
 * PyTorch zip checkpoints (a restricted unpickler), ONNX initializers (our own protobuf reader),
 * each with the size, range and nesting checks of a hostile-input reader; mapped onto our ViT and
 * BERT parameter names with a report of what was loaded, missing or left over; and the encoders
 * built into the jar (all-MiniLM-L6-v2).
 */
package org.medvlm.weights;
