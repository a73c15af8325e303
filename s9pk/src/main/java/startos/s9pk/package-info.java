/** S9PK v2: merkle archives, signatures, manifests. */
package startos.s9pk;
