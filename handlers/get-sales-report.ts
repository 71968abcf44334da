import { systemClock } from '../lib/clock';
import { config } from '../lib/config';
import { ValidationError } from '../lib/errors';
import { httpHandler } from '../lib/http/http-handler';
import { ok } from '../lib/http/http-result';
import { activityStore } from '../lib/reports/activity-store';
import { buildSalesReport, isIsoDate } from '../lib/reports/sales-report';

const activity = activityStore(config().tableName);

export const handler = httpHandler(async (event) => {
  const date = event.queryStringParameters?.date ?? systemClock().toISOString().slice(0, 10);
  if (!isIsoDate(date)) throw new ValidationError([{ field: 'date', message: 'must be a date as YYYY-MM-DD' }]);
  return ok(buildSalesReport(date, await activity.day(date)));
});
