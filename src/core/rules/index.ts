import type { Rule } from '../types';
import leakedClient from './leaked-client';
import poolPerRequest from './pool-per-request';
import scriptWithoutEnd from './script-without-end';
import transactionOnPool from './transaction-on-pool';
import doubleRelease from './double-release';
import missingRollback from './missing-rollback';
import missingErrorHandler from './missing-error-handler';
import poolConfig from './pool-config';

/** Every rule, in the fixed order findings of the same position are reported in. */
export const RULES: readonly Rule[] = [leakedClient, poolPerRequest, scriptWithoutEnd, transactionOnPool, doubleRelease, missingRollback, missingErrorHandler, poolConfig];
