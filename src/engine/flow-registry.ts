/**
 * The dialogues the engine can run: each machine with its version, its input built from the
 * profile and the person, and the services it reads through.
 */
import { type AnyStateMachine, fromPromise } from 'xstate';
import { complaintFlowVersion, complaintMachine } from '../../flows/complaint.machine.js';
import { inquiryFlowVersion, inquiryMachine } from '../../flows/inquiry.machine.js';
import { type MenuInput, menuFlowVersion, menuMachine, type RouteResult } from '../../flows/menu.machine.js';
import { type RatingInput, ratingFlowVersion, ratingMachine } from '../../flows/rating.machine.js';
import { type RequestInput, requestFlowVersion, requestMachine } from '../../flows/request.machine.js';
import { type StatusInput, statusFlowVersion, statusMachine } from '../../flows/status.machine.js';
import type { WorkCalendar } from '../domain/calendar.js';
import type { FlowHandovers, FlowId, FlowServices } from '../domain/flow-contract.js';
import type { Profile } from '../domain/profile.js';
import { newReference } from '../domain/reference.js';
import { FAQ_CONFIDENCE_THRESHOLD } from '../domain/search.js';
import type { Lang } from '../domain/text.js';

/** What the engine knows about the person when it starts flow `K`, and what was handed to it. */
export interface FlowContext<K extends FlowId = FlowId> {
  profile: Profile;
  beneficiaryId: string;
  lang: Lang;
  consentVersion: string | null;
  /** The hand-over from the flow that led here (FlowOutput.nextInput) or from the engine. */
  extra: FlowHandovers[K];
}

/** One dialogue. */
export interface FlowDef<K extends FlowId = FlowId> {
  id: K;
  version: number;
  machine: AnyStateMachine;
  input(ctx: FlowContext<K>): object;
}

/** Every dialogue, each with the input built from exactly its own hand-over type. */
type FlowDefs = { [K in FlowId]: FlowDef<K> }[FlowId];

/** Services the machines read through, plus the router. */
export interface EngineServices extends FlowServices {
  routeText: (input: { text: string; lang: Lang }) => Promise<RouteResult>;
}

const calendars = new WeakMap<Profile, WorkCalendar>();

/** The calendar of the association, for SLA dates (R3e); one object per profile. */
export function calendarOf(profile: Profile): WorkCalendar {
  let cal = calendars.get(profile);
  if (!cal) {
    cal = { workingDays: profile.workingDays, holidays: profile.holidays, timezone: profile.timezone };
    calendars.set(profile, cal);
  }
  return cal;
}

/** Threshold under which an inquiry answer is not trusted and a person is offered (R3c). */
export const INQUIRY_CONFIDENCE_THRESHOLD = FAQ_CONFIDENCE_THRESHOLD;

const base = (c: FlowContext) => ({ beneficiaryId: c.beneficiaryId, lang: c.lang });

const DEFS: FlowDefs[] = [
  {
    id: 'menu',
    version: menuFlowVersion,
    machine: menuMachine,
    input: (c: FlowContext<'menu'>): MenuInput => ({
      ...base(c),
      mode: c.extra.mode ?? 'menu',
      orgName: c.profile.name,
      consent: c.profile.consent,
      consentVersion: c.consentVersion,
      complaints: c.profile.complaintCategories.length > 0,
      ...(typeof c.extra.text === 'string' ? { text: c.extra.text } : {}),
      ...(typeof c.extra.greeting === 'string' ? { greeting: c.extra.greeting } : {}),
    }),
  },
  {
    id: 'inquiry',
    version: inquiryFlowVersion,
    machine: inquiryMachine,
    input: (c) => ({ ...base(c), ...c.extra, confidenceThreshold: INQUIRY_CONFIDENCE_THRESHOLD }),
  },
  {
    id: 'request',
    version: requestFlowVersion,
    machine: requestMachine,
    input: (c: FlowContext<'request'>): RequestInput => ({
      ...base(c),
      ...c.extra,
      // Drawn here, not in the machine: the same input replays to the same events.
      reference: newReference('request'),
      requestTypes: c.profile.requestTypes,
      committees: c.profile.committees,
      calendar: calendarOf(c.profile),
    }),
  },
  {
    id: 'status',
    version: statusFlowVersion,
    machine: statusMachine,
    input: (c: FlowContext<'status'>): StatusInput => ({ ...base(c), ...c.extra, calendar: calendarOf(c.profile) }),
  },
  {
    id: 'complaint',
    version: complaintFlowVersion,
    machine: complaintMachine,
    input: (c) => ({
      ...base(c),
      ...c.extra,
      reference: newReference('complaint'),
      categories: c.profile.complaintCategories,
      committees: c.profile.committees,
      calendar: calendarOf(c.profile),
    }),
  },
  {
    id: 'rating',
    version: ratingFlowVersion,
    machine: ratingMachine,
    input: (c: FlowContext<'rating'>): RatingInput => ({ ...base(c), ...c.extra, questions: c.profile.rating.questions }),
  },
];

/** The flows with the engine's services provided. */
export class FlowRegistry {
  private readonly defs = new Map<string, FlowDefs>();

  constructor(services: EngineServices) {
    const actors = {
      findOpenRequest: fromPromise(({ input }: { input: Parameters<EngineServices['findOpenRequest']>[0] }) =>
        services.findOpenRequest(input),
      ),
      listCases: fromPromise(({ input }: { input: Parameters<EngineServices['listCases']>[0] }) => services.listCases(input)),
      getCase: fromPromise(({ input }: { input: Parameters<EngineServices['getCase']>[0] }) => services.getCase(input)),
      searchFaq: fromPromise(({ input }: { input: Parameters<EngineServices['searchFaq']>[0] }) => services.searchFaq(input)),
      routeText: fromPromise(({ input }: { input: Parameters<EngineServices['routeText']>[0] }) => services.routeText(input)),
    };
    for (const def of DEFS) {
      // Provide only the services this machine declares.
      const declared = Object.keys(def.machine.implementations.actors);
      const provided = Object.fromEntries(Object.entries(actors).filter(([k]) => declared.includes(k)));
      this.defs.set(def.id, { ...def, machine: def.machine.provide({ actors: provided }) });
    }
  }

  /** The flow of an id, or undefined for an id this version does not know. */
  get<K extends FlowId>(id: K): FlowDef<K> | undefined;
  get(id: string): FlowDefs | undefined;
  get(id: string): FlowDefs | undefined {
    return this.defs.get(id);
  }
}
