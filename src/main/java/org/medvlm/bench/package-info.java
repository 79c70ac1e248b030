/**
 * Benchmarks behind {@code medvlm bench}: each reports medians of repeated runs after a warm-up,
 * and ratios to a reference measured in the same run (machines here are shared and noisy).
 */
package org.medvlm.bench;
