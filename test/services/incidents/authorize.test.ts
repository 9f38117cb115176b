import assert from 'node:assert/strict';
import { refusalFor } from '../../../src/services/incidents/authorize.js';
import { settingsWith } from '../../support/settings.js';

describe('who may do what to an incident', () => {
  const settings = settingsWith((s) => {
    s.admins = ['UADMIN'];
  });
  const incident = { number: 7, reporter: { slackId: 'UREPORTER' }, roles: [{ role: 'commander', slackId: 'UCMD' }, { role: 'communication_lead', slackId: 'UCOMMS' }], members: ['UMEMBER'] };

  it('members, role holders and the reporter may change it; others may not', () => {
    for (const user of ['UMEMBER', 'UCMD', 'UCOMMS', 'UREPORTER', 'UADMIN']) assert.equal(refusalFor(settings, incident, user, 'change'), null, user);
    assert.match(refusalFor(settings, incident, 'USTRANGER', 'change')!, /Only members of incident #7's channel/);
  });

  it('only the commander or an admin may close it or change its roles', () => {
    for (const action of ['close', 'assign_roles'] as const) {
      assert.equal(refusalFor(settings, incident, 'UCMD', action), null);
      assert.equal(refusalFor(settings, incident, 'UADMIN', action), null);
      for (const user of ['UMEMBER', 'UCOMMS', 'UREPORTER']) assert.match(refusalFor(settings, incident, user, action)!, /Only the commander \(<@UCMD>\) or an admin/);
    }
  });
});
