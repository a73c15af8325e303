import { sdk } from '../sdk'
import { configure } from './configure'
import { disabledAction, fails, hiddenAction, onlyRunning, onlyStopped } from './restricted'
import { ping, showQr, showSecret } from './results'

export const actions = sdk.Actions.of()
  .addAction(configure)
  .addAction(ping)
  .addAction(showSecret)
  .addAction(showQr)
  .addAction(onlyRunning)
  .addAction(onlyStopped)
  .addAction(hiddenAction)
  .addAction(disabledAction)
  .addAction(fails)
