/** Bayesian search: a Gaussian-process surrogate, acquisitions and batch proposals behind the ask/tell interface. */
package io.streamlsq.search.bo;
