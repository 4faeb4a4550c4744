package org.vanycast.sample.api;

import java.util.List;

import javax.jws.WebMethod;
import javax.jws.WebParam;
import javax.jws.WebResult;
import javax.jws.WebService;

/**
 * The "content" service: read-only access to the documents in a node's data folder.
 * Every node of an anycast group serves the same documents, so a client connection can be
 * moved between nodes in the middle of a download. Names are plain file names (no path).
 */
@WebService(name = "Content", targetNamespace = ContentService.NAMESPACE)
public interface ContentService {

    String NAMESPACE = "urn:vanycast:sample:content";

    /** Every regular file of the data folder, sorted by name. */
    @WebMethod
    @WebResult(name = "document")
    List<DocumentInfo> listDocuments();

    /** The whole document. Large documents are refused: read them with {@link #getRange}. */
    @WebMethod
    @WebResult(name = "content")
    byte[] getDocument(@WebParam(name = "name") String name);

    /**
     * Up to {@code length} bytes from {@code offset}; fewer when the document ends first,
     * none when {@code offset} equals the size.
     */
    @WebMethod
    @WebResult(name = "content")
    byte[] getRange(@WebParam(name = "name") String name, @WebParam(name = "offset") long offset,
            @WebParam(name = "length") int length);

    /** The version of the bundle serving the call (shows which node code answered). */
    @WebMethod
    @WebResult(name = "version")
    String getServiceVersion();
}
