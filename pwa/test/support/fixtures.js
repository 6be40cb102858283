// Test data: a packet shaped like docs/field-api.md §1 with a template using every question type.
import { IDBFactory } from 'fake-indexeddb';
import { openStorage } from '../../src/storage/index.js';

let serial = 0;
/** A fresh device database (its own fake IndexedDB, so tests never share state). */
export async function freshStorage(options = {}) {
  const indexedDB = options.indexedDB ?? new IDBFactory();
  const storage = await openStorage({ indexedDB, name: `test-${(serial += 1)}`, ...options });
  return { storage, indexedDB };
}

const t = (zh, en) => ({ zh, ...(en ? { en } : {}) });

export function template() {
  return {
    format: 'checklist/1',
    title: t('食品经营监督检查表', 'Food business checklist'),
    sections: [
      { id: 'licence', title: t('许可'), questions: [
        { id: 'licence_valid', type: 'yes_no_na', required: true, compliant_answer: 'yes', label: t('是否持有有效许可证'),
          legal_basis: '《中华人民共和国食品安全法》第三十五条', help: t('查看原件') },
        { id: 'licence_photos', type: 'photo', required: true, min_count: 1, max_count: 3, label: t('现场照片'),
          show_if: { question: 'licence_valid', equals: 'no' } },
        { id: 'business_format', type: 'single_choice', required: true, label: t('经营业态'),
          options: [{ value: 'retail', label: t('食品销售') }, { value: 'catering', label: t('餐饮服务') }] },
        { id: 'fridge_temp', type: 'number', unit: '℃', minimum: -30, maximum: 20, decimals: 1, required: true,
          label: t('冷藏温度'), show_if: { question: 'business_format', in: ['catering'] } },
        { id: 'hazards', type: 'multi_choice', label: t('问题'), min_selected: 1, max_selected: 2,
          options: [{ value: 'a', label: t('甲') }, { value: 'b', label: t('乙') }, { value: 'c', label: t('丙') }] },
        { id: 'hazard_note', type: 'text', max_length: 10, label: t('说明'), show_if: { question: 'hazards', equals: 'c' } },
        { id: 'expiry', type: 'date', label: t('到期日') },
      ] },
      { id: 'confirmation', title: t('现场确认'), questions: [
        { id: 'party_signature', type: 'signature', signer: 'party', label: t('当事人签名') },
        { id: 'witness_signature', type: 'signature', signer: 'witness', label: t('见证人签名') },
        { id: 'inspector_signature_1', type: 'signature', signer: 'inspector', required: true, label: t('检查人员签名一') },
        { id: 'inspector_signature_2', type: 'signature', signer: 'inspector', required: true, label: t('检查人员签名二') },
      ] },
    ],
  };
}

export function assignment(id = 1001) {
  return {
    id,
    task: { number: 'SSGK-2027-0003', name: '食品经营抽查', kind: 'routine', joint: false, initiating_department: 'market_regulation' },
    window: { start: '2027-03-01', end: '2027-03-31' },
    target: { id: 553, name: '泰山区某某餐馆', credit_code: '91370902MA3C00000X', registration_number: null,
      entity_type: 'individual_business', legal_representative: '王某', registered_address: '泰山区', business_address: '泰山区',
      division_code: '370902', industry: { code: 'H62', name: '餐饮业' }, latitude: 36.19, longitude: 117.12, prior_results: [] },
    team: [{ inspector_id: 'I17', name: '张某', department: 'market_regulation' },
      { inspector_id: 'I52', name: '李某', department: 'market_regulation' }],
    items: [{ code: 'MR-FOOD-01', name: '食品经营', department: 'market_regulation', template: 'MR-FOOD-01@3',
      legal_basis: '《食品安全法》', check_methods: ['on_site'] }],
    status: 'open',
  };
}

export function packet(version = 42) {
  return {
    version,
    generated_at: '2027-03-02T08:00:00+08:00',
    inspector: { id: 'I17', name: '张某', department: 'market_regulation', user_id: 3 },
    assignments: [assignment(1001), assignment(1002)],
    templates: { 'MR-FOOD-01@3': template() },
    result_categories: [{ code: 'no_problem', name_zh: '未发现问题', name_en: 'No problem found', children: [] }],
    check_methods: [{ code: 'on_site', name_zh: '实地检查', name_en: 'On-site check' }],
    followup_options: [{ code: 'none', name_zh: '无需后续处置', name_en: 'No follow-up needed' }],
  };
}

export function evidence(id, recordId, extra = {}) {
  const bytes = extra.bytes ?? `photo ${id}`;
  return { id, recordId, kind: 'photo', mediaType: 'image/jpeg', size: bytes.length, sha256: extra.sha256 ?? 'a'.repeat(64),
    blob: new Blob([bytes]), thumb: new Blob(['t']), itemCode: 'MR-FOOD-01', questionId: 'licence_photos',
    capturedAt: '2027-03-02T09:20:00+08:00', capturedAtMs: extra.capturedAtMs ?? 1, capturedBy: 'I17', ...extra };
}
