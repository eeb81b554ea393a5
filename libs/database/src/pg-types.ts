import pg from 'pg';

// Calendar dates (`date`, OID 1082) stay 'YYYY-MM-DD' strings: turning them into JS Dates would
// shift them by the server's time zone. Instants (`timestamptz`) become Dates as usual.
pg.types.setTypeParser(1082, (value: string) => value);
// bigint counters (COUNT(*), bigserial ids) fit in a JS number for our sizes.
pg.types.setTypeParser(20, (value: string) => Number(value));
