/**
 * Library optimizers and quasi-random designs behind the core's ask/tell interface
 * ({@link io.streamlsq.search.AskTellOptimizer}):
 * <ul>
 *   <li>{@link io.streamlsq.search.lib.InvertedCallbackOptimizer}: one run of a callback-style
 *       {@link io.streamlsq.search.lib.CallbackOptimizer} on its own {@code asktell-*} thread, by control inversion;
 *       {@link io.streamlsq.search.lib.HipparchusOptimizers} adapts CMA-ES, BOBYQA, Nelder–Mead and Powell;</li>
 *   <li>{@link io.streamlsq.search.lib.WorkerPool}: many such runs in flight, dispatching only to idle workers (no
 *       deadlock under out-of-order completion), restarting finished runs with derived seeds;</li>
 *   <li>{@link io.streamlsq.search.lib.LcbSelector} and {@link io.streamlsq.search.lib.Portfolio}: cotengra's LCB
 *       bandit choosing among member optimizers;</li>
 *   <li>{@link io.streamlsq.search.lib.Sobol} and {@link io.streamlsq.search.lib.Halton}: shifted low-discrepancy
 *       sequences (checkpointable);</li>
 *   <li>{@link io.streamlsq.search.lib.LibrarySearchMethods}: the named {@link io.streamlsq.search.SearchMethod}s
 *       {@code sobol}, {@code halton}, {@code cmaes}, {@code bobyqa}, {@code nelder-mead}, {@code powell},
 *       {@code portfolio}.</li>
 * </ul>
 * Library methods are not checkpointable (their state lives on blocked threads) and hold threads until
 * {@code close()}.
 */
package io.streamlsq.search.lib;
