package org.vanycast.sample.internal;

import java.nio.file.Path;

import javax.servlet.ServletException;
import javax.xml.namespace.QName;

import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.HttpService;
import org.osgi.service.http.NamespaceException;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vanycast.sample.api.ContentService;

/**
 * Publishes the content service on the OSGi HTTP service: SOAP through CXF's servlet
 * transport at {@code <soapPath>/content}, plain download at {@code <downloadPath>/<name>}.
 * Its own CXF bus keeps it independent of whatever else uses CXF in the container.
 */
@Component(immediate = true, configurationPid = ContentComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ContentComponent.Config.class)
public class ContentComponent {

    public static final String PID = "org.vanycast.sample";
    /** Framework property the node launcher sets to the node's data folder. */
    public static final String NODE_DATA_PROPERTY = "vanycast.node.data";

    private static final Logger LOG = LoggerFactory.getLogger(ContentComponent.class);

    @ObjectClassDefinition(name = "Vanycast sample content service")
    public @interface Config {
        @AttributeDefinition(description = "Folder whose files are served; empty: the node's data folder")
        String dataDir() default "";

        @AttributeDefinition(description = "Servlet path of the CXF servlet; the endpoint is <soapPath>/content")
        String soapPath() default "/soap";

        @AttributeDefinition(description = "Servlet path of the plain HTTP download")
        String downloadPath() default "/content";
    }

    @Reference
    private HttpService http;

    private Bus bus;
    private Server server;
    private String soapPath;
    private String downloadPath;

    @Activate
    void activate(BundleContext context, Config config) throws ServletException, NamespaceException {
        DocumentStore store = new DocumentStore(dataDir(context, config));
        String version = context.getBundle().getVersion().toString();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // CXF and JAXB look their providers up through the context class loader: make it ours.
        Thread.currentThread().setContextClassLoader(ContentComponent.class.getClassLoader());
        try {
            bus = BusFactory.newInstance().createBus();
            JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
            factory.setBus(bus);
            factory.setServiceClass(ContentService.class);
            factory.setServiceName(new QName(ContentService.NAMESPACE, "ContentService"));
            factory.setServiceBean(new ContentServiceImpl(store, version));
            factory.setAddress("/content");
            server = factory.create();
            CXFNonSpringServlet servlet = new CXFNonSpringServlet();
            servlet.setBus(bus);
            soapPath = config.soapPath();
            http.registerServlet(soapPath, servlet, null, null);
            downloadPath = config.downloadPath();
            http.registerServlet(downloadPath, new DownloadServlet(store), null, null);
        } catch (ServletException | NamespaceException | RuntimeException e) {
            deactivate();
            throw e;
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        LOG.info("content service {} serving {} at {}/content (SOAP) and {}/<name> (download)", version,
                store.root(), soapPath, downloadPath);
    }

    @Deactivate
    void deactivate() {
        unregister(downloadPath);
        downloadPath = null;
        unregister(soapPath);
        soapPath = null;
        if (server != null) {
            server.destroy();
            server = null;
        }
        if (bus != null) {
            bus.shutdown(false);
            bus = null;
        }
    }

    private void unregister(String alias) {
        if (alias == null) {
            return;
        }
        try {
            http.unregister(alias);
        } catch (IllegalArgumentException e) {
            LOG.debug("{} was not registered", alias);
        }
    }

    private static Path dataDir(BundleContext context, Config config) {
        String dir = config.dataDir();
        if (dir.isBlank()) {
            dir = context.getProperty(NODE_DATA_PROPERTY);
        }
        return Path.of(dir == null || dir.isBlank() ? "data" : dir);
    }
}
