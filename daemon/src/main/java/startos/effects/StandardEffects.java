package startos.effects;

import startos.action.PackageActions;
import startos.model.Database;
import startos.patchdb.PatchDb;

/** The table of every effect this host implements, over a database and a service layer. */
public final class StandardEffects {
  private StandardEffects() {}

  /** Over the untyped database, for callers not yet holding a {@link Database}. */
  public static EffectTable table(PatchDb db, ServiceHost host, Watches watches) {
    return table(new Database(db), host, watches);
  }

  public static EffectTable table(Database db, ServiceHost host, Watches watches) {
    EffectTable table = new EffectTable();
    new ControlEffects(db, host, watches).register(table);
    new NetEffects(db, host, watches).register(table);
    new SslEffects(db, host, watches).register(table);
    new DependencyEffects(db).register(table);
    new ActionEffects(db, new PackageActions(db, host)).register(table);
    return table;
  }
}
