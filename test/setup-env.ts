// Tests must not inherit a developer's server configuration by accident.
import 'reflect-metadata';

process.env.LOG_LEVEL ??= 'silent';
process.env.FRESHGATE_ENV ??= 'test';
