import { unwrap } from '@switchboard/kernel';
import { describe, expect, it } from 'vitest';
import { compileExpression, type AgentView, type AttributeValue, type ContactView } from './index';

function agent(skills: Record<string, number>, attributes: Record<string, AttributeValue> = {}): AgentView {
  return { skills: new Map(Object.entries(skills)), attributes };
}

function contact(attributes: Record<string, AttributeValue> = {}): ContactView {
  return { attributes };
}

function matches(source: string, a: AgentView, c: ContactView = contact()): boolean {
  return unwrap(compileExpression(source)).evaluate(a, c);
}

const alice = agent(
  { appliances: 8, vip_service: 2, trainee: 0 },
  { languages: ['zh', 'en'], region: '广东', team: 'east', senior: true, calls_today: 12 },
);
const bob = agent({ appliances: 6, trainee: 1 }, { languages: ['en'], region: '浙江', team: 'west' });

describe('compileExpression evaluates', () => {
  it('skill levels against numbers, absent skills as level 0', () => {
    expect(matches('skills.appliances >= 7', alice)).toBe(true);
    expect(matches('skills.appliances >= 7', bob)).toBe(false);
    expect(matches('skills.vip_service > 0', bob)).toBe(false);
    expect(matches('skills.vip_service == 0', bob)).toBe(true);
    expect(matches('skills.vip_service < 1', bob)).toBe(true);
    expect(matches('7 <= skills.appliances', alice)).toBe(true);
  });

  it('the examples from the routing steps', () => {
    const vip = contact({ vip: 2, province: '广东' });
    expect(matches("skills.appliances >= 7 and languages has 'zh'", alice)).toBe(true);
    expect(matches("skills.appliances >= 7 and languages has 'zh'", bob)).toBe(false);
    expect(matches('contact.vip >= 1 or skills.vip_service > 0', bob, vip)).toBe(true);
    expect(matches('contact.vip >= 1 or skills.vip_service > 0', bob)).toBe(false);
    expect(matches('region == contact.province', alice, vip)).toBe(true);
    expect(matches('region == contact.province', bob, vip)).toBe(false);
    expect(matches("team in ['east', 'north'] and not skills.trainee", alice)).toBe(true);
    expect(matches("team in ['east', 'north'] and not skills.trainee", bob)).toBe(false);
  });

  it('Chinese literals and attribute values', () => {
    expect(matches("contact.province == '广东'", alice, contact({ province: '广东' }))).toBe(true);
    expect(matches("contact.province == '广东'", alice, contact({ province: '浙江' }))).toBe(false);
    expect(matches("region in ['广东', '广西']", alice)).toBe(true);
  });

  it('missing attributes as false in every comparison, never throwing', () => {
    for (const source of [
      'contact.vip >= 1',
      'contact.vip < 1',
      "contact.language == 'zh'",
      "contact.language != 'zh'",
      "contact.tags has 'gold'",
      "contact.city in ['深圳']",
      'contact.vip',
      'shift == contact.shift',
      'missing != contact.missing',
    ]) {
      expect(matches(source, alice), source).toBe(false);
    }
    expect(matches("not (contact.language == 'zh')", alice)).toBe(true);
  });

  it('!= as present and different', () => {
    expect(matches("team != 'west'", alice)).toBe(true);
    expect(matches("team != 'east'", alice)).toBe(false);
    expect(matches('skills.vip_service != 2', bob)).toBe(true);
  });

  it('numbers and the strings spelling them as equal, as IVR choices arrive as strings', () => {
    expect(matches('contact.ivr.menu == 1', alice, contact({ 'ivr.menu': '1' }))).toBe(true);
    expect(matches("contact.ivr.menu == '1'", alice, contact({ 'ivr.menu': 1 }))).toBe(true);
    expect(matches('contact.ivr.menu in [1, 2]', alice, contact({ 'ivr.menu': '2' }))).toBe(true);
    expect(matches("contact.vip >= '2'", alice, contact({ vip: '3' }))).toBe(true);
    expect(matches('contact.ivr.menu == 1', alice, contact({ 'ivr.menu': '' }))).toBe(false);
    expect(matches('contact.ivr.menu == 0', alice, contact({ 'ivr.menu': ' ' }))).toBe(false);
    expect(matches('contact.vip > 1', alice, contact({ vip: 'gold' }))).toBe(false);
  });

  it('has and in as mirror images, a scalar acting as a one-element list', () => {
    expect(matches("languages has 'en'", bob)).toBe(true);
    expect(matches("'en' in languages", bob)).toBe(true);
    expect(matches("team has 'west'", bob)).toBe(true);
    expect(matches('languages has contact.language', alice, contact({ language: 'zh' }))).toBe(true);
    expect(matches('contact.language in languages', bob, contact({ language: 'zh' }))).toBe(false);
    expect(matches("contact.tags has 'vip'", alice, contact({ tags: ['vip', '老客户'] }))).toBe(true);
    expect(matches('languages in languages', alice)).toBe(false);
    expect(matches("languages == 'zh'", alice)).toBe(false);
  });

  it('long lists through sets with the same equality as short ones', () => {
    const provinces = ['北京', '上海', '天津', '重庆', '河北', '山西', '辽宁', '吉林', '广东', 3, '7'];
    const source = `contact.province in [${provinces.map((p) => JSON.stringify(p)).join(', ')}]`;
    expect(matches(source, alice, contact({ province: '广东' }))).toBe(true);
    expect(matches(source, alice, contact({ province: '西藏' }))).toBe(false);
    expect(matches(source, alice, contact({ province: '3' }))).toBe(true);
    expect(matches(source, alice, contact({ province: 7 }))).toBe(true);
    expect(matches(source, alice, contact({ province: true }))).toBe(false);
    expect(matches(source, alice, contact({ province: ['广东'] }))).toBe(false);
  });

  it('bare values as conditions', () => {
    expect(matches('senior', alice)).toBe(true);
    expect(matches('senior', bob)).toBe(false);
    expect(matches('calls_today and languages', alice)).toBe(true);
    expect(matches('contact.tags', alice, contact({ tags: [] }))).toBe(false);
    expect(matches('skills.trainee', alice)).toBe(false);
  });

  it('* and true as any agent, false as none', () => {
    expect(matches('*', bob)).toBe(true);
    expect(matches('TRUE', bob)).toBe(true);
    expect(matches('false', bob)).toBe(false);
    expect(matches('contact.vip == true and senior == true', alice, contact({ vip: true }))).toBe(true);
  });

  it('or/and chains of any length', () => {
    expect(matches("team == 'a' or team == 'b' or team == 'east'", alice)).toBe(true);
    expect(matches("team == 'a' or team == 'b' or team == 'c'", alice)).toBe(false);
    expect(matches('skills.appliances > 1 and skills.vip_service > 1 and senior', alice)).toBe(true);
    expect(matches('skills.appliances > 1 and skills.vip_service > 1 and not senior', alice)).toBe(false);
  });

  it('inherited members and odd values as missing', () => {
    const odd = {
      attributes: JSON.parse('{"__proto__": {"x": 1}, "n": null, "o": {"a": 1}}'),
    } as ContactView;
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'n', 'o']) {
      expect(matches(`contact.${name}`, alice, odd), name).toBe(false);
      expect(matches(`contact.${name} == 1`, alice, odd), name).toBe(false);
      expect(matches(`constructor != contact.${name}`, alice, odd), name).toBe(false);
    }
  });
});

describe('compileExpression validates names', () => {
  const knownSkills = new Set(['appliances', 'vip_service', 'trainee']);
  const knownAgentAttributes = new Set(['languages', 'region', 'team']);

  it('accepts known names and any contact attribute', () => {
    const r = compileExpression('skills.appliances >= 7 and languages has contact.whatever', {
      knownSkills,
      knownAgentAttributes,
    });
    expect(r.ok).toBe(true);
  });

  it('rejects an unknown skill with its position and a suggestion', () => {
    const r = compileExpression("languages has 'zh' and skills.applainces >= 7 and skills.nope > 1", {
      knownSkills,
    });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'ROUTING.UNKNOWN_SKILL',
        message: "Unknown skill 'applainces' (did you mean 'appliances'?) at column 24",
        details: {
          position: 23,
          end: 40,
          expected: ['appliances', 'trainee', 'vip_service'],
          skill: 'applainces',
          unknown: ['applainces', 'nope'],
          suggestion: 'appliances',
        },
      },
    });
  });

  it('rejects an unknown agent attribute, suggesting a case fix', () => {
    const r = compileExpression("Team == 'east'", { knownSkills, knownAgentAttributes });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('ROUTING.UNKNOWN_ATTRIBUTE');
    expect(r.error.details).toMatchObject({ position: 0, attribute: 'Team', suggestion: 'team' });
  });
});

describe('compileExpression describes', () => {
  const required = (source: string) => Object.fromEntries(unwrap(compileExpression(source)).requiredSkills);

  it('skills required by top-level conjunctions', () => {
    expect(required("skills.appliances >= 7 and languages has 'zh'")).toEqual({ appliances: 7 });
    expect(required('skills.a >= 3 and (skills.a >= 5 and skills.b > 2)')).toEqual({ a: 5, b: 2 });
    expect(required('skills.a > 0 and 4 <= skills.b and skills.c == 2 and skills.d')).toEqual({
      a: 0,
      b: 4,
      c: 2,
      d: 0,
    });
    expect(required('skills.a in [3, 5]')).toEqual({ a: 3 });
  });

  it('only skills common to every branch of an or', () => {
    expect(required('skills.a >= 3 and skills.b >= 1 or skills.a >= 5')).toEqual({ a: 3 });
    expect(required('contact.vip >= 1 or skills.vip_service > 0')).toEqual({});
  });

  it('nothing for comparisons an absent skill can satisfy', () => {
    for (const source of [
      'skills.a >= 0',
      'skills.a > -1',
      'skills.a < 3',
      'skills.a != 3',
      'skills.a == 0',
      'not skills.a >= 3',
      "skills.a >= '3'",
      'skills.a >= skills.b',
      'skills.a in [0, 3]',
      '*',
    ]) {
      expect(required(source), source).toEqual({});
    }
  });

  it('whether the result reads the contact', () => {
    expect(unwrap(compileExpression('skills.a >= 1 or contact.vip')).readsContact).toBe(true);
    expect(unwrap(compileExpression("skills.a >= 1 and team == 'x'")).readsContact).toBe(false);
  });

  it('the source it was compiled from', () => {
    expect(unwrap(compileExpression(' * ')).source).toBe(' * ');
  });
});
