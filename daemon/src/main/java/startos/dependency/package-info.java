/**
 * Dependencies between packages: whether a package's declared dependencies ({@code
 * currentDependencies}) are satisfied, and the dependency graph's cycles. StartOS computes
 * satisfaction in its UI (and the SDK in the package); this host computes the same rules (versions
 * and ranges: {@code startos.exver}) so start-cli can say what is missing.
 */
package startos.dependency;
