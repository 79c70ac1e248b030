/**
 * Med-VLM's blocks: the ViT image encoder and BERT text encoder with LoRA adapters
 * ({@link org.medvlm.model.vlm.VitEncoder}, {@link org.medvlm.model.vlm.BertEncoder}), the
 * cross-attention mixer, the SAM-style mask decoder with its presence score
 * ({@link org.medvlm.model.vlm.MaskDecoder}) and the whole model ({@link org.medvlm.model.vlm.MedVlm},
 * configured by {@link org.medvlm.model.vlm.MedVlmConfig}). Blocks know nothing of files, prompts
 * or training.
 */
package org.medvlm.model.vlm;
