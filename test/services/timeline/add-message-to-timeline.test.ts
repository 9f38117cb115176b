import { declaredIncident } from '../../support/factories.js';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { Incident, type IncidentDocument } from '../../../src/models/incident.js';
import { IncidentUpdate } from '../../../src/models/incident-update.js';
import { TimelineMessage, timelineMessageKey } from '../../../src/models/timeline-message.js';
import { addMessageToTimeline, tsToDate, type AddMessageToTimelineInput, type TimelineDeps } from '../../../src/services/timeline/add-message-to-timeline.js';
import { ALREADY_IN_TIMELINE } from '../../../src/views/timeline-messages.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';
import { FakeSlack, silentLogger } from '../../support/fakes.js';
import { defaultSettings } from '../../support/settings.js';

const settings = defaultSettings();
const ALICE = 'UALICE';
const BOB = 'UBOB';

async function incidentWithChannel(channel: string, key: string): Promise<IncidentDocument> {
  const incident = await declaredIncident(settings, { reporter: ALICE, submissionKey: key });
  await Incident.updateOne({ _id: incident._id }, { $set: { 'channel.id': channel, 'channel.name': `inc-${incident.number}` } });
  return (await Incident.findById(incident._id))!;
}

describe('addMessageToTimeline (service, with a fake Slack and a real database)', () => {
  let slack: FakeSlack;
  let deps: TimelineDeps;
  let incident: IncidentDocument;
  before(() => connectTestDatabase('timeline-messages'));
  after(() => dropTestDatabase());
  beforeEach(async () => {
    await Promise.all([Incident.deleteMany({}), IncidentUpdate.deleteMany({}), TimelineMessage.deleteMany({})]);
    slack = new FakeSlack();
    deps = { settings, slack, logger: silentLogger() };
    incident = await incidentWithChannel('CINC1', `V-${new Types.ObjectId().toString()}`);
    slack.userMessages.push({ channel: 'CINC1', ts: '1700000100.000200', text: 'Rolled back the CDN config', author: BOB });
  });

  const viaShortcut = (over: Partial<AddMessageToTimelineInput> = {}): AddMessageToTimelineInput => ({
    channel: 'CINC1',
    ts: '1700000100.000200',
    message: { text: 'Rolled back the CDN config', author: BOB, complete: true },
    actor: ALICE,
    via: 'shortcut',
    reply: { responseUrl: 'https://hooks.slack.example/r/1' },
    ...over,
  });
  const messageEntries = () => IncidentUpdate.find({ incidentId: incident._id, eventType: 'message' });

  it('adds the message (text, author, permalink, posted time) as a quiet timeline entry and confirms it', async () => {
    const outcome = await addMessageToTimeline(deps, viaShortcut());
    assert.equal(outcome.kind, 'added');
    const [entry, ...more] = await messageEntries();
    assert.ok(entry);
    assert.equal(more.length, 0);
    assert.equal(entry.origin, 'slack');
    assert.equal(entry.actorSlackId, ALICE);
    assert.equal(entry.message, 'Rolled back the CDN config');
    assert.equal(entry.eventAt.getTime(), tsToDate('1700000100.000200').getTime());
    assert.deepEqual(entry.toObject().source, { channel: 'CINC1', ts: '1700000100.000200', author: BOB, permalink: 'https://slack.example/archives/CINC1/p1700000100000200' });
    assert.equal(entry.effects?.published, true, 'nothing for the publish job to show');
    assert.deepEqual(slack.responses.map((r) => [r.responseUrl, r.message.text]), [['https://hooks.slack.example/r/1', `:white_check_mark: Added to the timeline of incident #${incident.number}.`]]);
    assert.equal(slack.posts.length, 0, 'nothing posted to the channel');
    const after = await Incident.findById(incident._id);
    assert.equal(after?.lastUpdateAt?.getTime(), entry.eventAt.getTime(), 'counts as the latest update');
  });

  it('never adds the same message twice, by shortcut or by reaction, and says so', async () => {
    await Incident.updateOne({ _id: incident._id }, { $addToSet: { members: BOB } });
    assert.equal((await addMessageToTimeline(deps, viaShortcut())).kind, 'added');
    assert.equal((await addMessageToTimeline(deps, viaShortcut({ actor: BOB }))).kind, 'duplicate');
    const byReaction = await addMessageToTimeline(deps, { channel: 'CINC1', ts: '1700000100.000200', actor: ALICE, via: 'reaction', reply: { ephemeralIn: 'CINC1' } });
    assert.equal(byReaction.kind, 'duplicate');
    assert.equal((await messageEntries()).length, 1);
    assert.equal(slack.responses[1]?.message.text, ALREADY_IN_TIMELINE);
    assert.deepEqual(slack.ephemerals.map((e) => [e.channel, e.user, e.message.text]), [['CINC1', ALICE, ALREADY_IN_TIMELINE]]);
  });

  it('adds once when several tries race', async () => {
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => addMessageToTimeline(deps, viaShortcut({ via: i % 2 ? 'reaction' : 'shortcut' }))));
    assert.equal(outcomes.filter((o) => o.kind === 'added').length, 1, JSON.stringify(outcomes));
    assert.equal((await messageEntries()).length, 1);
    assert.equal(await TimelineMessage.countDocuments({}), 1);
  });

  it('completes the entry of a try that claimed the message and stopped before writing it', async () => {
    const updateId = new Types.ObjectId();
    await TimelineMessage.create({ _id: timelineMessageKey(incident._id.toString(), 'CINC1', '1700000100.000200'), incidentId: incident._id, channel: 'CINC1', ts: '1700000100.000200', updateId, addedBy: BOB, addedAt: new Date() });
    const outcome = await addMessageToTimeline(deps, viaShortcut());
    assert.equal(outcome.kind, 'added');
    const entries = await messageEntries();
    assert.deepEqual(entries.map((e) => e._id.toString()), [updateId.toString()]);
    assert.equal((await addMessageToTimeline(deps, viaShortcut())).kind, 'duplicate');
  });

  it('reads the message from Slack for a reaction, and answers in the channel', async () => {
    const outcome = await addMessageToTimeline(deps, { channel: 'CINC1', ts: '1700000100.000200', actor: ALICE, via: 'reaction', reply: { ephemeralIn: 'CINC1' } });
    assert.equal(outcome.kind, 'added');
    const [entry] = await messageEntries();
    assert.equal(entry?.message, 'Rolled back the CDN config');
    assert.equal(entry?.source?.author, BOB);
    assert.equal(slack.ephemerals[0]?.user, ALICE);
  });

  it('says so when the message cannot be read, and adds nothing', async () => {
    const outcome = await addMessageToTimeline(deps, { channel: 'CINC1', ts: '1700000999.000001', actor: ALICE, via: 'reaction', reply: { ephemeralIn: 'CINC1' } });
    assert.equal(outcome.kind, 'message_not_found');
    assert.match(slack.ephemerals[0]?.message.text ?? '', /could not read that message/);
    assert.equal((await messageEntries()).length, 0);
    assert.equal(await TimelineMessage.countDocuments({}), 0, 'no claim left behind');
  });

  it('leaves a message outside incident channels to the caller, without answering', async () => {
    const outcome = await addMessageToTimeline(deps, viaShortcut({ channel: 'CGENERAL' }));
    assert.deepEqual(outcome, { kind: 'not_incident_channel' });
    assert.equal(slack.responses.length + slack.ephemerals.length, 0);
  });

  it('adds a message from any channel to the incident chosen, and the same message to another incident too', async () => {
    const other = await incidentWithChannel('CINC2', 'V-other');
    const fromGeneral = viaShortcut({ channel: 'CGENERAL', ts: '1700000200.000100', message: { text: 'Customers report broken images', author: BOB, complete: true } });
    assert.equal((await addMessageToTimeline(deps, { ...fromGeneral, incidentId: incident._id.toString(), via: 'picker' })).kind, 'added');
    assert.equal((await addMessageToTimeline(deps, { ...fromGeneral, incidentId: other._id.toString(), via: 'picker' })).kind, 'added');
    assert.equal((await addMessageToTimeline(deps, { ...fromGeneral, incidentId: other._id.toString(), via: 'picker' })).kind, 'duplicate');
    assert.equal((await IncidentUpdate.find({ eventType: 'message', 'source.channel': 'CGENERAL' })).length, 2);
    assert.equal((await addMessageToTimeline(deps, { ...fromGeneral, incidentId: 'not-an-id', via: 'picker' })).kind, 'incident_not_found');
  });

  it('uses the full message when the picker had to cut it, and keeps the cut text if Slack will not give it', async () => {
    slack.userMessages.push({ channel: 'CGENERAL', ts: '1700000300.000100', text: 'The whole long message', author: BOB });
    const cut = { text: 'The whole…', author: BOB, complete: false };
    await addMessageToTimeline(deps, { ...viaShortcut({ channel: 'CGENERAL', ts: '1700000300.000100', message: cut }), incidentId: incident._id.toString() });
    await addMessageToTimeline(deps, { ...viaShortcut({ channel: 'CSECRET', ts: '1700000300.000200', message: cut }), incidentId: incident._id.toString() });
    const texts = (await messageEntries()).map((e) => e.message).sort();
    assert.deepEqual(texts, ['The whole long message', 'The whole…']);
  });

  it('refuses people who may not change the incident, with the reason', async () => {
    const outcome = await addMessageToTimeline(deps, viaShortcut({ actor: BOB }));
    assert.equal(outcome.kind, 'refused');
    assert.match(slack.responses[0]?.message.text ?? '', /Join the channel first/);
    assert.equal((await messageEntries()).length, 0);
    await Incident.updateOne({ _id: incident._id }, { $addToSet: { members: BOB } });
    assert.equal((await addMessageToTimeline(deps, viaShortcut({ actor: BOB }))).kind, 'added');
  });

  it('keeps the entry without a permalink when Slack does not give one', async () => {
    slack.permalinkFails = true;
    assert.equal((await addMessageToTimeline(deps, viaShortcut())).kind, 'added');
    const [entry] = await messageEntries();
    assert.equal(entry?.source?.permalink, null);
  });

  it('never moves the last update time back for an older message', async () => {
    const later = new Date(tsToDate('1700000100.000200').getTime() + 3_600_000);
    await Incident.updateOne({ _id: incident._id }, { $set: { lastUpdateAt: later } });
    await addMessageToTimeline(deps, viaShortcut());
    assert.equal((await Incident.findById(incident._id))?.lastUpdateAt?.getTime(), later.getTime());
  });
});
