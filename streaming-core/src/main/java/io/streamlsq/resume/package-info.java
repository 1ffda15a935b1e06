/**
 * Checkpoints as plain data: what a fit, a schedule and the problem were at a resume point, the store
 * interface that persists them (the HDF5 store lives in the {@code checkpoint} module), the policy that
 * says when to write, and the refusals a resume can meet. The core decides <em>when</em> and
 * <em>what</em>; a store decides <em>how</em>.
 */
package io.streamlsq.resume;
