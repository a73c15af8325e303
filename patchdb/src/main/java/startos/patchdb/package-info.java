/** Patch-DB: one revisioned JSON document with durable storage and scoped subscriptions. */
package startos.patchdb;
