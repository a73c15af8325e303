/**
 * The host side of {@code host.sock}: the effects SDK-built packages call on startd.
 *
 * <p>Not implemented yet (they answer {@code not implemented: <name>}, code -32601): {@code
 * action.get-input}, {@code action.run} (cross-package actions), {@code bind-range}, {@code
 * export-range-service-interface}, {@code plugin.url.register}, {@code plugin.url.export-url},
 * {@code plugin.url.clear-urls}. Recorded but not enforced: dependencies ({@code
 * set-dependencies}), tasks ({@code action.create-task}), backup progress. {@link
 * EffectTable#notImplemented()} lists them at run time.
 *
 * <p>Where an effect lives: each effect class's {@code register} has one line per effect, {@code
 * t.register("set-health", this::setHealth, SetHealth.class)}, pointing at a named method; its
 * params are a record named as the SDK's type ({@code ControlParams}, {@code NetParams}, {@code
 * ActionParams}, {@code DependencyParams}, {@code SslParams}), decoded once by {@link EffectParams}
 * with -32602 errors naming the parameter.
 *
 * <p>Threads: each package's {@link startos.effects.EffectServer} accepts on a platform thread of
 * its own ({@code effects-<id>}) and serves each connection on a virtual thread, so a package's
 * effects run concurrently with each other and with RPC calls.
 */
package startos.effects;
