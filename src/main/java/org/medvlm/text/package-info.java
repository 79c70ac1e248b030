/**
 * Prompts to token ids: DJL's HuggingFace tokenizers over a {@code tokenizer.json} or a WordPiece
 * {@code vocab.txt} ({@link org.medvlm.text.TextTokenizer}), and the small vocabulary built from
 * our own prompts for text encoders trained without a downloaded one
 * ({@link org.medvlm.text.PromptVocabulary}).
 */
package org.medvlm.text;
