package org.vanycast.soap.it;

import javax.jws.WebParam;
import javax.jws.WebService;

/** The test node's SOAP service: says which node answered, and a call that waits for the test. */
@WebService(targetNamespace = "urn:vanycast:test")
public interface DocumentService {

    String whoAmI(@WebParam(name = "caller") String caller);

    String slowEcho(@WebParam(name = "text") String text);

    byte[] getRange(@WebParam(name = "name") String name, @WebParam(name = "offset") long offset,
            @WebParam(name = "length") int length);
}
