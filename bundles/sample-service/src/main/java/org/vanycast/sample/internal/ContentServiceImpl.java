package org.vanycast.sample.internal;

import java.util.List;

import javax.jws.WebService;

import org.apache.cxf.interceptor.Fault;
import org.vanycast.sample.api.ContentService;
import org.vanycast.sample.api.DocumentInfo;

/** The SOAP face of a {@link DocumentStore}: refusals become SOAP faults the client can read. */
@WebService(endpointInterface = "org.vanycast.sample.api.ContentService", serviceName = "ContentService",
        portName = "ContentPort", targetNamespace = ContentService.NAMESPACE)
public class ContentServiceImpl implements ContentService {

    private final DocumentStore store;
    private final String version;

    public ContentServiceImpl(DocumentStore store, String version) {
        this.store = store;
        this.version = version;
    }

    @Override
    public List<DocumentInfo> listDocuments() {
        try {
            return store.list();
        } catch (DocumentException e) {
            throw fault(e);
        }
    }

    @Override
    public byte[] getDocument(String name) {
        try {
            return store.read(name);
        } catch (DocumentException e) {
            throw fault(e);
        }
    }

    @Override
    public byte[] getRange(String name, long offset, int length) {
        try {
            return store.readRange(name, offset, length);
        } catch (DocumentException e) {
            throw fault(e);
        }
    }

    @Override
    public String getServiceVersion() {
        return version;
    }

    private static Fault fault(DocumentException e) {
        Fault fault = new Fault(new IllegalArgumentException(e.getMessage()));
        // soap:Client for requests that can never succeed, soap:Server for node trouble.
        fault.setFaultCode(e.reason() == DocumentException.Reason.IO_ERROR ? Fault.FAULT_CODE_SERVER
                : Fault.FAULT_CODE_CLIENT);
        return fault;
    }
}
