/**
 * Library optimizers behind the ask/tell interface by control inversion, the worker pool that dispatches to idle
 * workers, the LCB selector and the portfolio, and the Sobol and Halton sequences.
 */
package io.streamlsq.search.lib;
