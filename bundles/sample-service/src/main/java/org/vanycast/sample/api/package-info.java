/**
 * The sample grid service's contract: the JAX-WS service endpoint interface of the
 * "content" service and its data types, for clients that want typed access.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.vanycast.sample.api;
