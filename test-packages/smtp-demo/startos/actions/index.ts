import { sdk } from '../sdk'
import { sendTestMail } from './sendTestMail'

export const actions = sdk.Actions.of().addAction(sendTestMail)
