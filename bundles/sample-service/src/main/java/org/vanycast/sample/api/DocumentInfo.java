package org.vanycast.sample.api;

import javax.xml.bind.annotation.XmlAccessType;
import javax.xml.bind.annotation.XmlAccessorType;
import javax.xml.bind.annotation.XmlType;

/** Name and size of one document (a JAXB bean: JAX-WS needs a no-argument constructor). */
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "documentInfo", namespace = ContentService.NAMESPACE, propOrder = {"name", "size"})
public class DocumentInfo {

    private String name;
    private long size;

    public DocumentInfo() {
    }

    public DocumentInfo(String name, long size) {
        this.name = name;
        this.size = size;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public long getSize() {
        return size;
    }

    public void setSize(long size) {
        this.size = size;
    }

    @Override
    public String toString() {
        return name + " (" + size + " bytes)";
    }
}
