package org.vanycast.node.api;

/**
 * Framework properties the node launcher sets from the node's configuration; bundles read
 * them with {@code BundleContext.getProperty}.
 */
public final class NodeProperties {

    /** The node's name (unique in its anycast group). */
    public static final String NAME = "vanycast.node.name";
    /** The node's own addresses, comma separated; the first one may be the wildcard {@code ::}. */
    public static final String ADDRESSES = "vanycast.node.addresses";
    /** The logical address X the node serves; absent when it serves none. */
    public static final String LOGICAL_ADDRESS = "vanycast.node.logical.address";
    /** The TCP port of the HTTP listeners (on every address). */
    public static final String PORT = "vanycast.node.port";
    /** The node's data folder (the sample service serves its files). */
    public static final String DATA = "vanycast.node.data";
    /** The hot-deploy folder watched for bundles. */
    public static final String DEPLOY = "vanycast.node.deploy";

    private NodeProperties() {
    }
}
