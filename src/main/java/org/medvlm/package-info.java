/**
 * Med-VLM for Fiji. The core library (packages {@code volume}, {@code io}, {@code preprocess},
 * {@code data}, {@code metrics}) knows nothing of Fiji or of any model; the CLI ({@code cli}) and
 * later the Fiji commands are thin layers over it.
 */
package org.medvlm;
