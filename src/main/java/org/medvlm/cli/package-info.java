/**
 * The {@code medvlm} command line: one picocli subcommand per task, each a thin layer over the
 * core library. Errors are one line, {@code medvlm: error: <file or option>: <problem>}, with exit
 * code 2 for bad input or usage and 1 for other failures.
 */
package org.medvlm.cli;
