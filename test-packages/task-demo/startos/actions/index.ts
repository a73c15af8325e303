import { sdk } from '../sdk'
import { runRemote } from './remote'
import { setUp, tune } from './setUp'

export const actions = sdk.Actions.of().addAction(setUp).addAction(tune).addAction(runRemote)
