import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../url.js';
import * as m0001 from './0001_core.js';
import * as m0002 from './0002_tests.js';
import * as m0003 from './0003_analysis.js';
import * as m0004 from './0004_reports_experiments.js';
import * as m0005 from './0005_data_version.js';
import * as m0006 from './0006_document_collections.js';
import * as m0008 from './0008_test_runs_indexes.js';
import * as m0009 from './0009_mysql_no_pad_collation.js';
import * as m0010 from './0010_reports.js';
import * as m0011 from './0011_experiment_attempts.js';
import * as m0012 from './0012_run_terms.js';
import * as m0013 from './0013_alerts.js';
import * as m0014 from './0014_run_times.js';
import * as m0016 from './0016_terms_without_rowid.js';
import * as m0017 from './0017_run_term_keys.js';
import * as m0018 from './0018_run_metadata_without_value_index.js';

type Up = (db: Kysely<unknown>, dialect: DialectName) => Promise<void>;

/** Every migration, in order. Names sort lexically; never rename or edit one that has shipped. */
const ALL: Record<string, Up> = {
  '0001_core': m0001.up,
  '0002_tests': m0002.up,
  '0003_analysis': m0003.up,
  '0004_reports_experiments': m0004.up,
  '0005_data_version': m0005.up,
  '0006_document_collections': m0006.up,
  '0008_test_runs_indexes': m0008.up,
  '0009_mysql_no_pad_collation': m0009.up,
  '0010_reports': m0010.up,
  '0011_experiment_attempts': m0011.up,
  '0012_run_terms': m0012.up,
  '0013_alerts': m0013.up,
  '0014_run_times': m0014.up,
  '0016_terms_without_rowid': m0016.up,
  '0017_run_term_keys': m0017.up,
  '0018_run_metadata_without_value_index': m0018.up,
};

export function migrationsFor(dialect: DialectName): Record<string, Migration> {
  return Object.fromEntries(
    Object.entries(ALL).map(([name, up]) => [name, { up: (db: Kysely<unknown>) => up(db, dialect) }]),
  );
}

export const LATEST_MIGRATION = Object.keys(ALL).at(-1)!;
