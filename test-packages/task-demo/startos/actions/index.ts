import { sdk } from '../sdk'
import { misbehave } from './misbehave'
import { runRemote } from './remote'
import { setUp, tune } from './setUp'

export const actions = sdk.Actions.of()
  .addAction(setUp)
  .addAction(tune)
  .addAction(runRemote)
  .addAction(misbehave)
