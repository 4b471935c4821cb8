/**
 * Seed data: a realistic Korean ministry (혁신행정부) with its organisation, staff accounts, complaint
 * categories and a year's Balanced Scorecard (strategy maps, strategic objectives, KPIs).
 *
 * The data is declared as plain rows below; `buildSeedPlan` turns them into the exact rows to store and
 * `seedDatabase` writes them. Writing is idempotent: rows are matched by their unique keys and only
 * created or updated when they differ, so a second run changes nothing. Runtime state (KPI actuals,
 * lights, complaints, tasks) is never touched. Concurrent runs are serialised by an advisory lock and the
 * whole seed is one transaction.
 *
 * Run directly: `DATABASE_URL=... [DEMO_PASSWORD=...] npx tsx prisma/seed.ts` seeds the current year (KST).
 */
import { pathToFileURL } from 'node:url';
import { hash } from '@node-rs/argon2';
import type {
  ComplaintKind,
  KpiDirection,
  KpiSource,
  Perspective,
  Prisma,
  PrismaClient,
  StaffRole,
  UnitKind,
} from '@prisma/client';
import { createPrisma } from '../platform/prisma.ts';

export const DEFAULT_DEMO_PASSWORD = 'portal-demo-2026';
export const STAFF_EMAIL_DOMAIN = 'portal.example.go.kr';

// ---------------------------------------------------------------------------------------------------------
// Plan types: the rows as they are stored, with references by code

export type StrategyItem = { code: string; nameKo: string; nameEn: string };

export interface UnitSeed {
  code: string;
  kind: UnitKind;
  nameKo: string;
  nameEn: string;
  parent: string | null;
}

export interface StaffSeed {
  employeeNo: string;
  nameKo: string;
  nameEn: string;
  email: string;
  role: StaffRole;
  unit: string;
  payGrade: string;
  skills: string[];
  available: boolean;
  absentUntil: Date | null;
}

export interface CategorySeed {
  code: string;
  nameKo: string;
  nameEn: string;
  kind: ComplaintKind;
  team: string;
  slaDays: number;
  skill: string | null;
}

export interface StrategyMapSeed {
  unit: string;
  missionKo: string;
  missionEn: string;
  visionKo: string;
  visionEn: string;
  strategies: StrategyItem[];
}

export interface ObjectiveSeed {
  code: string;
  unit: string;
  perspective: Perspective;
  nameKo: string;
  nameEn: string;
  weight: number;
  ownerNo: string;
  parentCode: string | null;
}

export interface KpiSeed {
  code: string;
  objective: string;
  nameKo: string;
  nameEn: string;
  unitLabel: string;
  direction: KpiDirection;
  target: number;
  greenAt: number | null;
  yellowAt: number | null;
  weight: number;
  source: KpiSource;
  ownerNo: string;
}

export interface SeedPlan {
  year: number;
  units: UnitSeed[];
  staff: StaffSeed[];
  categories: CategorySeed[];
  strategyMaps: StrategyMapSeed[];
  objectives: ObjectiveSeed[];
  kpis: KpiSeed[];
}

// ---------------------------------------------------------------------------------------------------------
// Organisation

type Names = readonly [ko: string, en: string];

interface UnitDefinition {
  code: string;
  kind: UnitKind;
  nameKo: string;
  nameEn: string;
  parent: string | null;
  mission: Names;
  vision: Names;
  strategies: readonly Names[];
  /** One strategic objective per perspective. */
  objectives: Readonly<Record<Perspective, Names>>;
  /** Target for average processing days (lower is better); required when the unit handles complaints. */
  processingDaysTarget?: number;
  /** Customer KPI of a unit that handles no complaint category (measured manually). */
  serviceKpi?: Omit<KpiDraft, 'perspective' | 'weight' | 'source' | 'direction'>;
  /** Overrides the level's default target for adopted innovation ideas. */
  innovationTarget?: number;
}

const UNITS: readonly UnitDefinition[] = [
  {
    code: 'MIN',
    kind: 'MINISTRY',
    nameKo: '혁신행정부',
    nameEn: 'Ministry of Administrative Innovation',
    parent: null,
    mission: [
      '국민 중심의 행정혁신으로 신뢰받는 정부를 구현한다',
      'Build a trusted government through citizen-centred administrative innovation',
    ],
    vision: [
      '일 잘하는 정부, 국민이 체감하는 행정서비스',
      'A government that works well, with services citizens can feel',
    ],
    strategies: [
      ['국민 체감형 민원서비스 혁신', 'Complaint services citizens can feel'],
      ['성과 중심의 정책 추진', 'Results-driven policy delivery'],
      ['데이터 기반 일하는 방식 혁신', 'Data-driven ways of working'],
      ['학습하고 성장하는 조직문화', 'A learning and growing organisation'],
    ],
    objectives: {
      CUSTOMER: [
        '국민이 체감하는 신속·정확한 민원서비스',
        'Fast, accurate complaint services citizens can feel',
      ],
      WORK_PERFORMANCE: [
        '국정과제와 핵심 정책과제의 차질 없는 이행',
        'Deliver national and core policy tasks on plan',
      ],
      PROCESS_INNOVATION: ['데이터 기반 일하는 방식 혁신', 'Data-driven innovation in how we work'],
      LEARNING_GROWTH: ['학습하고 성장하는 공직 문화 조성', 'A public-service culture that learns and grows'],
    },
    processingDaysTarget: 3,
  },
  {
    code: 'HQ1',
    kind: 'HEADQUARTERS',
    nameKo: '민원서비스본부',
    nameEn: 'Citizen Service Headquarters',
    parent: 'MIN',
    mission: ['국민의 목소리를 신속·정확하게 해결한다', "Resolve citizens' concerns quickly and accurately"],
    vision: ['가장 빠르고 친절한 민원서비스', 'The fastest and friendliest complaint service'],
    strategies: [
      ['민원 처리기간 단축', 'Shorter complaint handling times'],
      ['민원 만족도 제고', 'Higher complaint satisfaction'],
      ['반복 민원 근본 해소', 'Remove the causes of recurring complaints'],
    ],
    objectives: {
      CUSTOMER: ['민원 처리기간 단축과 만족도 제고', 'Shorter complaint handling and higher satisfaction'],
      WORK_PERFORMANCE: ['민원제도 개선 과제의 성과 창출', 'Results from complaint-system reform tasks'],
      PROCESS_INNOVATION: ['민원 처리 절차의 디지털 전환', 'Digital transformation of complaint procedures'],
      LEARNING_GROWTH: ['민원 담당자 전문성 강화', 'Stronger expertise of complaint handlers'],
    },
    processingDaysTarget: 3,
  },
  {
    code: 'HQ2',
    kind: 'HEADQUARTERS',
    nameKo: '정책기획본부',
    nameEn: 'Policy Planning Headquarters',
    parent: 'MIN',
    mission: ['국민 제안과 성과를 정책으로 연결한다', "Connect citizens' proposals and results to policy"],
    vision: ['성과로 말하는 정책 기획', 'Policy planning measured by results'],
    strategies: [
      ['정책과제 성과관리 강화', 'Stronger performance management of policy tasks'],
      ['국민 제안의 정책화', "Turn citizens' proposals into policy"],
      ['상시 혁신 체계 정착', 'Make innovation continuous'],
    ],
    objectives: {
      CUSTOMER: ['국민 제안의 정책 반영 확대', "Turn more citizens' proposals into policy"],
      WORK_PERFORMANCE: ['정책과제 계획 대비 성과 달성', 'Policy tasks achieve their planned results'],
      PROCESS_INNOVATION: ['성과관리·혁신 체계 고도화', 'Advance performance and innovation management'],
      LEARNING_GROWTH: ['정책 기획 역량 강화', 'Stronger policy-planning capability'],
    },
    processingDaysTarget: 5,
  },
  {
    code: 'HQ3',
    kind: 'HEADQUARTERS',
    nameKo: '경영지원본부',
    nameEn: 'Management Support Headquarters',
    parent: 'MIN',
    mission: [
      '직원이 일에 몰입할 수 있는 기반을 제공한다',
      'Give staff the foundations to focus on their work',
    ],
    vision: ['공정하고 스마트한 경영지원', 'Fair and smart management support'],
    strategies: [
      ['공정한 인사·평가', 'Fair staffing and evaluation'],
      ['스마트 업무환경 조성', 'A smart workplace'],
      ['안정적 정보시스템 운영', 'Reliable information systems'],
    ],
    objectives: {
      CUSTOMER: ['내부 고객 중심의 지원 서비스', 'Support services centred on internal customers'],
      WORK_PERFORMANCE: ['조직·인사·예산 운영 과제 적기 이행', 'Timely organisation, HR and budget tasks'],
      PROCESS_INNOVATION: ['스마트 업무환경 구축', 'Build a smart working environment'],
      LEARNING_GROWTH: ['공정한 평가와 역량 개발', 'Fair evaluation and capability development'],
    },
    processingDaysTarget: 3,
  },
  {
    code: 'T11',
    kind: 'TEAM',
    nameKo: '민원총괄팀',
    nameEn: 'Complaints Coordination Team',
    parent: 'HQ1',
    mission: [
      '모든 민원을 빠짐없이 접수하고 책임 있게 배정한다',
      'Receive every complaint and assign it responsibly',
    ],
    vision: ['민원 처리의 컨트롤타워', 'The control tower of complaint handling'],
    strategies: [
      ['접수·배정 자동화', 'Automated intake and assignment'],
      ['응대 품질 관리', 'Response quality management'],
    ],
    objectives: {
      CUSTOMER: ['일반 민원 신속 처리와 응대 품질 향상', 'Fast general complaints and better responses'],
      WORK_PERFORMANCE: ['민원 총괄 조정 과제 이행', 'Deliver complaint-coordination tasks'],
      PROCESS_INNOVATION: ['민원 접수·배정 자동화', 'Automate complaint intake and assignment'],
      LEARNING_GROWTH: ['민원 응대 역량 강화', 'Stronger complaint-response skills'],
    },
    processingDaysTarget: 2,
  },
  {
    code: 'T12',
    kind: 'TEAM',
    nameKo: '생활민원팀',
    nameEn: 'Everyday Complaints Team',
    parent: 'HQ1',
    mission: ['생활 속 불편을 신속하게 해소한다', 'Remove everyday inconveniences quickly'],
    vision: ['생활민원 원스톱 해결', 'One-stop resolution of everyday complaints'],
    strategies: [
      ['분야별 전문 처리', 'Specialist handling by field'],
      ['반복 민원 예방', 'Prevent recurring complaints'],
    ],
    objectives: {
      CUSTOMER: ['생활 밀착 민원의 신속한 해결', 'Quick resolution of everyday complaints'],
      WORK_PERFORMANCE: ['생활 불편 해소 과제 이행', 'Deliver tasks that remove everyday inconveniences'],
      PROCESS_INNOVATION: ['반복 민원 사전 예방', 'Prevent recurring complaints'],
      LEARNING_GROWTH: ['세무·주거·교통 분야 전문성 강화', 'Deeper tax, housing and transport expertise'],
    },
    processingDaysTarget: 3,
  },
  {
    code: 'T13',
    kind: 'TEAM',
    nameKo: '규제개선팀',
    nameEn: 'Regulatory Reform Team',
    parent: 'HQ1',
    mission: [
      '불합리한 규제를 국민과 함께 개선한다',
      'Reform unreasonable regulation together with citizens',
    ],
    vision: ['국민이 체감하는 규제혁신', 'Regulatory reform citizens can feel'],
    strategies: [
      ['국민 제안 규제 정비', "Act on citizens' regulatory proposals"],
      ['인허가 기간 단축', 'Shorter permit times'],
    ],
    objectives: {
      CUSTOMER: ['국민 규제 개선 제안의 적기 처리', "Timely handling of citizens' regulatory proposals"],
      WORK_PERFORMANCE: ['규제 정비 과제 완료', 'Complete regulatory reform tasks'],
      PROCESS_INNOVATION: ['인허가 절차 간소화', 'Simplify permit procedures'],
      LEARNING_GROWTH: ['규제 심사 역량 강화', 'Stronger regulatory review capability'],
    },
    processingDaysTarget: 5,
  },
  {
    code: 'T21',
    kind: 'TEAM',
    nameKo: '정책기획팀',
    nameEn: 'Policy Planning Team',
    parent: 'HQ2',
    mission: [
      '부처 정책을 체계적으로 기획·조정한다',
      "Plan and coordinate the ministry's policies systematically",
    ],
    vision: ['근거 기반 정책 기획', 'Evidence-based policy planning'],
    strategies: [
      ['핵심 정책과제 관리', 'Manage core policy tasks'],
      ['국민 제안 정책 반영', "Adopt citizens' proposals"],
    ],
    objectives: {
      CUSTOMER: ['국민 정책 제안의 충실한 검토', "Thorough review of citizens' policy proposals"],
      WORK_PERFORMANCE: ['핵심 정책과제 기획·조정', 'Plan and coordinate core policy tasks'],
      PROCESS_INNOVATION: ['정책 기획 과정의 협업 혁신', 'Collaborative innovation in policy planning'],
      LEARNING_GROWTH: ['정책 분석 역량 강화', 'Stronger policy-analysis skills'],
    },
    processingDaysTarget: 7,
  },
  {
    code: 'T22',
    kind: 'TEAM',
    nameKo: '성과관리팀',
    nameEn: 'Performance Management Team',
    parent: 'HQ2',
    mission: [
      '성과를 측정하고 환류하여 조직 성과를 높인다',
      'Measure results and feed them back to raise performance',
    ],
    vision: ['실시간 성과관리 선도', 'Leading real-time performance management'],
    strategies: [
      ['BSC 성과지표 고도화', 'Better Balanced Scorecard indicators'],
      ['행정서비스 품질 관리', 'Public service quality management'],
    ],
    objectives: {
      CUSTOMER: ['행정서비스 품질 고충의 신속한 개선', 'Quick fixes for service-quality grievances'],
      WORK_PERFORMANCE: ['성과관리 체계의 안정적 운영', 'Run the performance system reliably'],
      PROCESS_INNOVATION: ['실시간 성과 모니터링 확산', 'Spread real-time performance monitoring'],
      LEARNING_GROWTH: ['성과 분석 전문성 강화', 'Stronger performance-analysis expertise'],
    },
    processingDaysTarget: 4,
  },
  {
    code: 'T23',
    kind: 'TEAM',
    nameKo: '혁신담당관팀',
    nameEn: 'Innovation Officer Team',
    parent: 'HQ2',
    mission: ['일하는 방식의 혁신을 확산한다', 'Spread innovation in how we work'],
    vision: ['모든 직원이 혁신가인 조직', 'An organisation where everyone innovates'],
    strategies: [
      ['혁신 아이디어 발굴', 'Find innovative ideas'],
      ['우수사례 확산', 'Spread good practice'],
    ],
    objectives: {
      CUSTOMER: ['부서 혁신활동 지원 만족도 제고', 'Departments satisfied with innovation support'],
      WORK_PERFORMANCE: ['정부혁신 실행계획 이행', 'Deliver the government innovation plan'],
      PROCESS_INNOVATION: ['혁신 아이디어 발굴·확산', 'Find and spread innovative ideas'],
      LEARNING_GROWTH: ['혁신 리더 양성', 'Develop innovation leaders'],
    },
    serviceKpi: {
      slug: 'CSAT',
      nameKo: '혁신활동 지원 만족도',
      nameEn: 'Satisfaction with innovation support (out of 5)',
      unitLabel: '점',
      target: 4,
    },
    innovationTarget: 8,
  },
  {
    code: 'T31',
    kind: 'TEAM',
    nameKo: '인사팀',
    nameEn: 'Human Resources Team',
    parent: 'HQ3',
    mission: ['공정한 인사로 직원의 성장을 돕는다', 'Help staff grow through fair HR'],
    vision: ['신뢰받는 인사', 'HR that staff trust'],
    strategies: [
      ['공정한 평가·보상', 'Fair evaluation and reward'],
      ['역량 개발 지원', 'Support capability development'],
    ],
    objectives: {
      CUSTOMER: ['직원 인사서비스 만족도 제고', 'Staff satisfied with HR services'],
      WORK_PERFORMANCE: ['공정한 인사·평가 운영', 'Fair staffing and evaluation'],
      PROCESS_INNOVATION: ['인사 업무 디지털화', 'Digitalise HR work'],
      LEARNING_GROWTH: ['맞춤형 교육훈련 확대', 'More tailored training'],
    },
    serviceKpi: {
      slug: 'CSAT',
      nameKo: '인사서비스 만족도',
      nameEn: 'Staff satisfaction with HR services (out of 5)',
      unitLabel: '점',
      target: 4,
    },
  },
  {
    code: 'T32',
    kind: 'TEAM',
    nameKo: '운영지원팀',
    nameEn: 'Operations Support Team',
    parent: 'HQ3',
    mission: [
      '쾌적하고 안전한 근무·민원 환경을 만든다',
      'Provide pleasant, safe workplaces and service spaces',
    ],
    vision: ['불편 없는 청사', 'Buildings without inconvenience'],
    strategies: [
      ['시설 불편 신속 해소', 'Quick fixes for facility issues'],
      ['예산 집행 효율화', 'Efficient budget execution'],
    ],
    objectives: {
      CUSTOMER: ['청사 이용 불편의 신속한 해소', 'Quickly resolve inconveniences in ministry buildings'],
      WORK_PERFORMANCE: ['예산·시설 운영 과제 적기 이행', 'Timely budget and facility tasks'],
      PROCESS_INNOVATION: ['운영 절차 효율화', 'Leaner operating procedures'],
      LEARNING_GROWTH: ['운영 지원 역량 강화', 'Stronger operations-support skills'],
    },
    processingDaysTarget: 3,
  },
  {
    code: 'T33',
    kind: 'TEAM',
    nameKo: '정보화팀',
    nameEn: 'Information Technology Team',
    parent: 'HQ3',
    mission: ['안정적이고 안전한 디지털 행정을 지원한다', 'Support stable and secure digital administration'],
    vision: ['디지털플랫폼정부의 기반', 'The foundation of a digital platform government'],
    strategies: [
      ['시스템 안정 운영', 'Stable system operation'],
      ['클라우드·AI 전환', 'Cloud and AI transition'],
      ['정보보안 강화', 'Stronger information security'],
    ],
    objectives: {
      CUSTOMER: ['안정적인 업무시스템 서비스 제공', 'Reliable business systems for staff and citizens'],
      WORK_PERFORMANCE: ['정보화 사업 계획 대비 이행', 'Deliver IT projects as planned'],
      PROCESS_INNOVATION: ['클라우드·AI 기반 업무 혁신', 'Cloud- and AI-based work innovation'],
      LEARNING_GROWTH: ['디지털 역량 강화', 'Stronger digital skills'],
    },
    serviceKpi: {
      slug: 'UPTIME',
      nameKo: '업무시스템 가용률',
      nameEn: 'Business system availability',
      unitLabel: '%',
      target: 99.5,
      // 99.0 % availability against 99.5 % is already 99.5 % achievement: tighten the lights.
      greenAt: 100,
      yellowAt: 99.5,
    },
  },
];

// ---------------------------------------------------------------------------------------------------------
// Staff: employee numbers are fixed (tests and the README rely on them)

type StaffRow = readonly [
  employeeNo: string,
  role: StaffRole,
  unit: string,
  payGrade: '3급' | '4급' | '5급' | '6급' | '7급',
  nameKo: string,
  nameEn: string,
  skills?: readonly string[],
];

const STAFF: readonly StaffRow[] = [
  ['E0001', 'HEAD', 'MIN', '3급', '김정호', 'Kim Jeong-ho'],
  ['E0002', 'ADMIN', 'T33', '6급', '이수진', 'Lee Su-jin', ['digital']],
  ['E0003', 'HR', 'T31', '5급', '박민지', 'Park Min-ji'],
  ['E0004', 'HR', 'T31', '6급', '최영훈', 'Choi Young-hoon'],
  ['E0100', 'DIRECTOR', 'HQ1', '3급', '정성민', 'Jung Seong-min'],
  ['E0200', 'DIRECTOR', 'HQ2', '3급', '강혜원', 'Kang Hye-won'],
  ['E0300', 'DIRECTOR', 'HQ3', '3급', '조현우', 'Cho Hyun-woo'],
  // 민원총괄팀
  ['E1100', 'TEAM_LEADER', 'T11', '4급', '윤상철', 'Yoon Sang-cheol'],
  ['E1101', 'STAFF', 'T11', '5급', '안지훈', 'Ahn Ji-hoon', ['welfare']],
  ['E1102', 'STAFF', 'T11', '6급', '송하은', 'Song Ha-eun'],
  ['E1103', 'STAFF', 'T11', '6급', '전민호', 'Jeon Min-ho', ['digital']],
  ['E1104', 'STAFF', 'T11', '7급', '홍서연', 'Hong Seo-yeon', ['welfare']],
  ['E1105', 'STAFF', 'T11', '7급', '유태양', 'Yoo Tae-yang'],
  ['E1106', 'STAFF', 'T11', '6급', '고은비', 'Ko Eun-bi'],
  // 생활민원팀
  ['E1200', 'TEAM_LEADER', 'T12', '4급', '장미경', 'Jang Mi-kyung'],
  ['E1201', 'STAFF', 'T12', '5급', '문성진', 'Moon Seong-jin', ['tax']],
  ['E1202', 'STAFF', 'T12', '6급', '양소희', 'Yang So-hee', ['tax']],
  ['E1203', 'STAFF', 'T12', '6급', '손우진', 'Son Woo-jin', ['housing']],
  ['E1204', 'STAFF', 'T12', '7급', '배지원', 'Bae Ji-won', ['housing']],
  ['E1205', 'STAFF', 'T12', '7급', '백승현', 'Baek Seung-hyun', ['transport']],
  ['E1206', 'STAFF', 'T12', '6급', '허다인', 'Heo Da-in', ['transport', 'tax']],
  // 규제개선팀
  ['E1300', 'TEAM_LEADER', 'T13', '4급', '임재현', 'Lim Jae-hyun'],
  ['E1301', 'STAFF', 'T13', '5급', '남기현', 'Nam Ki-hyun', ['regulation']],
  ['E1302', 'STAFF', 'T13', '6급', '노유리', 'Noh Yu-ri', ['regulation']],
  ['E1303', 'STAFF', 'T13', '6급', '하준영', 'Ha Jun-young', ['digital']],
  ['E1304', 'STAFF', 'T13', '7급', '곽수빈', 'Kwak Su-bin', ['digital']],
  ['E1305', 'STAFF', 'T13', '7급', '성민재', 'Sung Min-jae', ['regulation', 'digital']],
  // 정책기획팀
  ['E2100', 'TEAM_LEADER', 'T21', '4급', '한지영', 'Han Ji-young'],
  ['E2101', 'STAFF', 'T21', '5급', '차은지', 'Cha Eun-ji', ['regulation']],
  ['E2102', 'STAFF', 'T21', '5급', '주현석', 'Joo Hyun-seok', ['welfare']],
  ['E2103', 'STAFF', 'T21', '6급', '우가영', 'Woo Ga-young'],
  ['E2104', 'STAFF', 'T21', '6급', '구본혁', 'Koo Bon-hyuk', ['transport']],
  ['E2105', 'STAFF', 'T21', '7급', '민서율', 'Min Seo-yul'],
  // 성과관리팀
  ['E2200', 'TEAM_LEADER', 'T22', '4급', '오준석', 'Oh Jun-seok'],
  ['E2201', 'STAFF', 'T22', '5급', '류정민', 'Ryu Jeong-min'],
  ['E2202', 'STAFF', 'T22', '6급', '나현아', 'Na Hyun-ah'],
  ['E2203', 'STAFF', 'T22', '6급', '진우석', 'Jin Woo-seok', ['digital']],
  ['E2204', 'STAFF', 'T22', '7급', '지예린', 'Ji Ye-rin'],
  ['E2205', 'STAFF', 'T22', '7급', '엄태호', 'Eom Tae-ho'],
  // 혁신담당관팀
  ['E2300', 'TEAM_LEADER', 'T23', '4급', '서윤희', 'Seo Yun-hee'],
  ['E2301', 'STAFF', 'T23', '5급', '채수아', 'Chae Su-ah', ['digital']],
  ['E2302', 'STAFF', 'T23', '6급', '원동진', 'Won Dong-jin'],
  ['E2303', 'STAFF', 'T23', '6급', '천보람', 'Cheon Bo-ram', ['regulation']],
  ['E2304', 'STAFF', 'T23', '7급', '방준혁', 'Bang Jun-hyuk'],
  ['E2305', 'STAFF', 'T23', '7급', '공하늘', 'Gong Ha-neul'],
  // 인사팀
  ['E3100', 'TEAM_LEADER', 'T31', '4급', '신동욱', 'Shin Dong-wook'],
  ['E3101', 'STAFF', 'T31', '5급', '현승우', 'Hyun Seung-woo'],
  ['E3102', 'STAFF', 'T31', '6급', '김다은', 'Kim Da-eun'],
  ['E3103', 'STAFF', 'T31', '6급', '이준호', 'Lee Jun-ho'],
  ['E3104', 'STAFF', 'T31', '7급', '박서현', 'Park Seo-hyun'],
  ['E3105', 'STAFF', 'T31', '7급', '최민석', 'Choi Min-seok'],
  // 운영지원팀
  ['E3200', 'TEAM_LEADER', 'T32', '4급', '권나래', 'Kwon Na-rae'],
  ['E3201', 'STAFF', 'T32', '5급', '정유진', 'Jung Yu-jin', ['facility']],
  ['E3202', 'STAFF', 'T32', '6급', '강태윤', 'Kang Tae-yoon', ['facility']],
  ['E3203', 'STAFF', 'T32', '6급', '조아라', 'Cho A-ra'],
  ['E3204', 'STAFF', 'T32', '7급', '윤성호', 'Yoon Seong-ho', ['facility']],
  ['E3205', 'STAFF', 'T32', '7급', '장하린', 'Jang Ha-rin'],
  // 정보화팀
  ['E3300', 'TEAM_LEADER', 'T33', '4급', '황인성', 'Hwang In-seong', ['digital']],
  ['E3301', 'STAFF', 'T33', '5급', '임도현', 'Lim Do-hyun', ['digital']],
  ['E3302', 'STAFF', 'T33', '6급', '한소윤', 'Han So-yoon', ['digital']],
  ['E3303', 'STAFF', 'T33', '6급', '오지환', 'Oh Ji-hwan', ['digital']],
  ['E3304', 'STAFF', 'T33', '7급', '서예진', 'Seo Ye-jin'],
  ['E3305', 'STAFF', 'T33', '7급', '신재원', 'Shin Jae-won', ['digital']],
];

/** Staff who cannot take new work: on long leave (absent for a year) or marked unavailable. */
export const ABSENT_EMPLOYEE_NO = 'E1205';
export const UNAVAILABLE_EMPLOYEE_NO = 'E1106';

// ---------------------------------------------------------------------------------------------------------
// Complaint categories: processing periods in business days (≤ 5 days count in working hours)

type CategoryRow = readonly [
  code: string,
  kind: ComplaintKind,
  team: string,
  slaDays: number,
  skill: string | null,
  nameKo: string,
  nameEn: string,
];

const CATEGORIES: readonly CategoryRow[] = [
  ['Q-GENERAL', 'QUESTION', 'T11', 7, null, '일반 행정 문의', 'General administrative inquiry'],
  ['Q-TAX', 'QUESTION', 'T12', 7, 'tax', '세금·수수료 문의', 'Taxes and fees inquiry'],
  ['Q-HOUSING', 'QUESTION', 'T12', 7, 'housing', '주거·부동산 문의', 'Housing and property inquiry'],
  ['P-POLICY', 'PROPOSAL', 'T21', 14, null, '정책 제안', 'Policy proposal'],
  ['P-REGULATION', 'PROPOSAL', 'T13', 14, 'regulation', '규제 개선 제안', 'Regulatory reform proposal'],
  [
    'P-DIGITAL',
    'PROPOSAL',
    'T13',
    14,
    'digital',
    '디지털 행정서비스 개선 제안',
    'Digital public service proposal',
  ],
  ['G-SERVICE', 'GRIEVANCE', 'T22', 7, null, '행정서비스 품질 고충', 'Grievance about service quality'],
  ['G-STAFF', 'GRIEVANCE', 'T11', 7, null, '공무원 응대 고충', 'Grievance about staff conduct'],
  [
    'G-FACILITY',
    'GRIEVANCE',
    'T32',
    7,
    'facility',
    '청사·시설 이용 불편',
    'Grievance about buildings and facilities',
  ],
  ['S-PERMIT', 'STATUTORY', 'T13', 3, 'regulation', '인허가 신청', 'Permit and licence application'],
  ['S-INFO', 'STATUTORY', 'T11', 10, null, '정보공개 청구', 'Freedom-of-information request'],
  ['S-REPORT', 'STATUTORY', 'T12', 5, 'transport', '생활불편 신고', 'Everyday nuisance report'],
];

// ---------------------------------------------------------------------------------------------------------
// Balanced Scorecard

/** Objective weight = the perspective's default weight (one objective per perspective and unit). */
export const PERSPECTIVE_WEIGHTS: Readonly<Record<Perspective, number>> = {
  CUSTOMER: 35,
  WORK_PERFORMANCE: 35,
  PROCESS_INNOVATION: 15,
  LEARNING_GROWTH: 15,
};

const PERSPECTIVE_SUFFIX: Readonly<Record<Perspective, string>> = {
  CUSTOMER: 'C',
  WORK_PERFORMANCE: 'W',
  PROCESS_INNOVATION: 'I',
  LEARNING_GROWTH: 'L',
};

const PERSPECTIVE_ORDER: readonly Perspective[] = [
  'CUSTOMER',
  'WORK_PERFORMANCE',
  'PROCESS_INNOVATION',
  'LEARNING_GROWTH',
];

/** Targets that grow with the unit's level (counts add up over the teams below). */
const LEVEL_TARGETS: Readonly<Record<UnitKind, { innovation: number; knowledge: number }>> = {
  MINISTRY: { innovation: 30, knowledge: 40 },
  HEADQUARTERS: { innovation: 10, knowledge: 12 },
  TEAM: { innovation: 3, knowledge: 4 },
};

/** Yearly training per person (상시학습), hours. */
const TRAINING_HOURS_TARGET = 80;

interface KpiDraft {
  perspective: Perspective;
  slug: string;
  nameKo: string;
  nameEn: string;
  unitLabel: string;
  direction: KpiDirection;
  target: number;
  weight: number;
  source: KpiSource;
  greenAt?: number;
  yellowAt?: number;
}

/** A unit's KPIs; weights within each objective sum to 100. */
function kpiDrafts(unit: UnitDefinition, handlesComplaints: boolean): KpiDraft[] {
  const level = LEVEL_TARGETS[unit.kind];
  const strictAbove = unit.kind !== 'TEAM';
  const customer: KpiDraft[] = [];
  if (handlesComplaints) {
    if (unit.processingDaysTarget === undefined) {
      throw new Error(`Unit ${unit.code} handles complaints but has no processingDaysTarget`);
    }
    customer.push(
      {
        perspective: 'CUSTOMER',
        slug: 'DAYS',
        nameKo: '평균 민원 처리기간',
        nameEn: 'Average complaint processing time',
        unitLabel: '일',
        direction: 'LOWER_IS_BETTER',
        target: unit.processingDaysTarget,
        weight: 40,
        source: 'COMPLAINTS_PROCESSING_DAYS',
      },
      {
        perspective: 'CUSTOMER',
        slug: 'SLA',
        nameKo: '민원 처리기한 준수율',
        nameEn: 'Complaints answered within the deadline',
        unitLabel: '%',
        direction: 'HIGHER_IS_BETTER',
        target: 95,
        weight: 30,
        source: 'COMPLAINTS_SLA_RATE',
        // Ministry and headquarters: 95 % of the target is already a warning sign.
        ...(strictAbove ? { greenAt: 100, yellowAt: 95 } : {}),
      },
      {
        perspective: 'CUSTOMER',
        slug: 'SAT',
        nameKo: '민원 만족도',
        nameEn: 'Complaint satisfaction (out of 5)',
        unitLabel: '점',
        direction: 'HIGHER_IS_BETTER',
        target: 4.2,
        weight: 30,
        source: 'COMPLAINTS_SATISFACTION',
        ...(unit.kind === 'MINISTRY' ? { greenAt: 100, yellowAt: 95 } : {}),
      },
    );
  } else if (unit.serviceKpi) {
    customer.push({
      ...unit.serviceKpi,
      perspective: 'CUSTOMER',
      direction: 'HIGHER_IS_BETTER',
      weight: 100,
      source: 'MANUAL',
    });
  } else {
    throw new Error(`Unit ${unit.code} handles no complaint category and has no serviceKpi`);
  }

  return [
    ...customer,
    {
      perspective: 'WORK_PERFORMANCE',
      slug: 'TASK',
      nameKo: '정책과제 목표 달성도',
      nameEn: 'Policy-task goal achievement',
      unitLabel: '%',
      direction: 'HIGHER_IS_BETTER',
      target: 90,
      weight: 60,
      source: 'TASKS_ACHIEVEMENT',
    },
    {
      perspective: 'WORK_PERFORMANCE',
      slug: 'TIME',
      nameKo: '정책과제 적기 이행률',
      nameEn: 'Policy-task milestones met on time',
      unitLabel: '%',
      direction: 'HIGHER_IS_BETTER',
      target: 90,
      weight: 40,
      source: 'TASKS_TIMELINESS',
    },
    {
      perspective: 'PROCESS_INNOVATION',
      slug: 'INNO',
      nameKo: '혁신 아이디어·활동 채택 건수',
      nameEn: 'Adopted innovation ideas and activities',
      unitLabel: '건',
      direction: 'HIGHER_IS_BETTER',
      target: unit.innovationTarget ?? level.innovation,
      weight: 100,
      source: 'INNOVATION',
    },
    {
      perspective: 'LEARNING_GROWTH',
      slug: 'EDU',
      nameKo: '1인당 상시학습 시간',
      nameEn: 'Training hours per person',
      unitLabel: '시간',
      direction: 'HIGHER_IS_BETTER',
      target: TRAINING_HOURS_TARGET,
      weight: 60,
      source: 'MANUAL',
      // Teams: training is uneven through the year, so yellow starts lower.
      ...(unit.kind === 'TEAM' ? { greenAt: 100, yellowAt: 75 } : {}),
    },
    {
      perspective: 'LEARNING_GROWTH',
      slug: 'KNOW',
      nameKo: '지식·우수사례 공유 건수',
      nameEn: 'Knowledge and good-practice shares',
      unitLabel: '건',
      direction: 'HIGHER_IS_BETTER',
      target: level.knowledge,
      weight: 40,
      source: 'MANUAL',
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------
// The plan

/** The calendar year in Korea (UTC+9, no daylight saving) at `at`. */
export function kstYear(at: Date = new Date()): number {
  return new Date(at.getTime() + 9 * 60 * 60 * 1000).getUTCFullYear();
}

function objectiveCode(unit: string, perspective: Perspective): string {
  return `O-${unit}-${PERSPECTIVE_SUFFIX[perspective]}`;
}

/**
 * The rows to store for `year`. `today` only fixes the absent member's return date (the end of the year
 * after the later of `year` and today's KST year), so the plan is stable within a calendar year.
 */
export function buildSeedPlan(year: number, today: Date = new Date()): SeedPlan {
  const unitByCode = new Map(UNITS.map((unit) => [unit.code, unit]));
  const absentUntil = new Date(`${Math.max(year, kstYear(today)) + 1}-12-31T23:59:59+09:00`);

  const units: UnitSeed[] = UNITS.map(({ code, kind, nameKo, nameEn, parent }) => ({
    code,
    kind,
    nameKo,
    nameEn,
    parent,
  }));

  const staff: StaffSeed[] = STAFF.map(([employeeNo, role, unit, payGrade, nameKo, nameEn, skills = []]) => ({
    employeeNo,
    nameKo,
    nameEn,
    email: `${employeeNo.toLowerCase()}@${STAFF_EMAIL_DOMAIN}`,
    role,
    unit,
    payGrade,
    skills: [...skills],
    available: employeeNo !== UNAVAILABLE_EMPLOYEE_NO,
    absentUntil: employeeNo === ABSENT_EMPLOYEE_NO ? absentUntil : null,
  }));

  const categories: CategorySeed[] = CATEGORIES.map(([code, kind, team, slaDays, skill, nameKo, nameEn]) => ({
    code,
    nameKo,
    nameEn,
    kind,
    team,
    slaDays,
    skill,
  }));

  const strategyMaps: StrategyMapSeed[] = UNITS.map((unit) => ({
    unit: unit.code,
    missionKo: unit.mission[0],
    missionEn: unit.mission[1],
    visionKo: unit.vision[0],
    visionEn: unit.vision[1],
    strategies: unit.strategies.map(([nameKo, nameEn], index) => ({
      code: `${unit.code}-S${index + 1}`,
      nameKo,
      nameEn,
    })),
  }));

  // The head of each unit owns its objectives and KPIs.
  const headRole: Readonly<Record<UnitKind, StaffRole>> = {
    MINISTRY: 'HEAD',
    HEADQUARTERS: 'DIRECTOR',
    TEAM: 'TEAM_LEADER',
  };
  const ownerOf = (unit: UnitDefinition): string => {
    const head = staff.find((person) => person.unit === unit.code && person.role === headRole[unit.kind]);
    if (!head) throw new Error(`Unit ${unit.code} has no ${headRole[unit.kind]}`);
    return head.employeeNo;
  };

  // A unit handles complaints when a category maps to it or to a unit below it.
  const handling = new Set<string>();
  for (const category of categories) {
    for (
      let code: string | null = category.team;
      code !== null;
      code = unitByCode.get(code)?.parent ?? null
    ) {
      handling.add(code);
    }
  }

  const objectives: ObjectiveSeed[] = [];
  const kpis: KpiSeed[] = [];
  for (const unit of UNITS) {
    const ownerNo = ownerOf(unit);
    for (const perspective of PERSPECTIVE_ORDER) {
      const [nameKo, nameEn] = unit.objectives[perspective];
      objectives.push({
        code: objectiveCode(unit.code, perspective),
        unit: unit.code,
        perspective,
        nameKo,
        nameEn,
        weight: PERSPECTIVE_WEIGHTS[perspective],
        ownerNo,
        parentCode: unit.parent === null ? null : objectiveCode(unit.parent, perspective),
      });
    }
    for (const draft of kpiDrafts(unit, handling.has(unit.code))) {
      kpis.push({
        code: `K-${unit.code}-${draft.slug}`,
        objective: objectiveCode(unit.code, draft.perspective),
        nameKo: draft.nameKo,
        nameEn: draft.nameEn,
        unitLabel: draft.unitLabel,
        direction: draft.direction,
        target: draft.target,
        greenAt: draft.greenAt ?? null,
        yellowAt: draft.yellowAt ?? null,
        weight: draft.weight,
        source: draft.source,
        ownerNo,
      });
    }
  }

  return { year, units, staff, categories, strategyMaps, objectives, kpis };
}

// ---------------------------------------------------------------------------------------------------------
// Writing

export interface Tally {
  created: number;
  updated: number;
  unchanged: number;
}
export type SeedStats = Record<'orgUnit' | 'staff' | 'category' | 'strategyMap' | 'objective' | 'kpi', Tally>;

function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !isList(value) && !(value instanceof Date);
}

/** Deep equality of stored and desired values (dates by instant, JSON objects regardless of key order). */
function sameValue(stored: unknown, desired: unknown): boolean {
  if (stored instanceof Date || desired instanceof Date) {
    return stored instanceof Date && desired instanceof Date && stored.getTime() === desired.getTime();
  }
  if (isList(stored) || isList(desired)) {
    return (
      isList(stored) &&
      isList(desired) &&
      stored.length === desired.length &&
      stored.every((item, index) => sameValue(item, desired[index]))
    );
  }
  if (isRecord(stored) && isRecord(desired)) {
    const keys = Object.keys(desired);
    return (
      Object.keys(stored).length === keys.length &&
      keys.every((key) => Object.hasOwn(stored, key) && sameValue(stored[key], desired[key]))
    );
  }
  return stored === desired;
}

/** True when any field of `desired` differs from the stored row. */
function differs(
  stored: Readonly<Record<string, unknown>>,
  desired: Readonly<Record<string, unknown>>,
): boolean {
  return Object.entries(desired).some(([key, value]) => !sameValue(stored[key], value));
}

/** Creates a missing row, updates a changed one, leaves an equal one alone; returns the stored row. */
async function reconcile<Row extends Readonly<Record<string, unknown>>>(
  tally: Tally,
  stored: Row | null,
  changed: (row: Row) => boolean,
  write: { create: () => Promise<Row>; update: () => Promise<Row> },
): Promise<Row> {
  if (stored === null) {
    tally.created += 1;
    return write.create();
  }
  if (changed(stored)) {
    tally.updated += 1;
    return write.update();
  }
  tally.unchanged += 1;
  return stored;
}

function requireId(ids: ReadonlyMap<string, number>, code: string, what: string): number {
  const id = ids.get(code);
  if (id === undefined) throw new Error(`Seed refers to unknown ${what} ${code}`);
  return id;
}

async function writePlan(
  tx: Prisma.TransactionClient,
  plan: SeedPlan,
  demoPassword: string,
): Promise<SeedStats> {
  const tally = (): Tally => ({ created: 0, updated: 0, unchanged: 0 });
  const stats: SeedStats = {
    orgUnit: tally(),
    staff: tally(),
    category: tally(),
    strategyMap: tally(),
    objective: tally(),
    kpi: tally(),
  };
  const { year } = plan;

  // Units, parents first (the plan lists them top-down).
  const unitIds = new Map<string, number>();
  for (const unit of plan.units) {
    const data = {
      kind: unit.kind,
      nameKo: unit.nameKo,
      nameEn: unit.nameEn,
      parentId: unit.parent === null ? null : requireId(unitIds, unit.parent, 'unit'),
    };
    const row = await reconcile(
      stats.orgUnit,
      await tx.orgUnit.findUnique({ where: { code: unit.code } }),
      (stored) => differs(stored, data),
      {
        create: () => tx.orgUnit.create({ data: { code: unit.code, ...data } }),
        update: () => tx.orgUnit.update({ where: { code: unit.code }, data }),
      },
    );
    unitIds.set(unit.code, row.id);
  }

  // Staff. The demo password is hashed once, only if an account is created; an existing account keeps
  // its password, so a changed or reset password survives every later seed (and every embedded start).
  let demoHash: Promise<string> | undefined;
  const demoPasswordHash = (): Promise<string> => (demoHash ??= hash(demoPassword));
  for (const person of plan.staff) {
    const data = {
      nameKo: person.nameKo,
      nameEn: person.nameEn,
      email: person.email,
      role: person.role,
      unitId: requireId(unitIds, person.unit, 'unit'),
      payGrade: person.payGrade,
      skills: person.skills,
      available: person.available,
      absentUntil: person.absentUntil,
    };
    const stored = await tx.staff.findUnique({ where: { employeeNo: person.employeeNo } });
    await reconcile(stats.staff, stored, (row) => differs(row, data), {
      create: async () =>
        tx.staff.create({
          data: { employeeNo: person.employeeNo, passwordHash: await demoPasswordHash(), ...data },
        }),
      update: async () => tx.staff.update({ where: { employeeNo: person.employeeNo }, data }),
    });
  }

  for (const category of plan.categories) {
    const data = {
      nameKo: category.nameKo,
      nameEn: category.nameEn,
      kind: category.kind,
      teamId: requireId(unitIds, category.team, 'unit'),
      slaDays: category.slaDays,
      skill: category.skill,
      active: true,
    };
    await reconcile(
      stats.category,
      await tx.complaintCategory.findUnique({ where: { code: category.code } }),
      (stored) => differs(stored, data),
      {
        create: () => tx.complaintCategory.create({ data: { code: category.code, ...data } }),
        update: () => tx.complaintCategory.update({ where: { code: category.code }, data }),
      },
    );
  }

  for (const map of plan.strategyMaps) {
    const unitId = requireId(unitIds, map.unit, 'unit');
    const key = { year_unitId: { year, unitId } };
    const data = {
      missionKo: map.missionKo,
      missionEn: map.missionEn,
      visionKo: map.visionKo,
      visionEn: map.visionEn,
      strategies: map.strategies,
    };
    await reconcile(
      stats.strategyMap,
      await tx.strategyMap.findUnique({ where: key }),
      (stored) => differs(stored, data),
      {
        create: () => tx.strategyMap.create({ data: { year, unitId, ...data } }),
        update: () => tx.strategyMap.update({ where: key, data }),
      },
    );
  }

  const objectiveIds = new Map<string, number>();
  for (const objective of plan.objectives) {
    const key = { year_code: { year, code: objective.code } };
    const data = {
      unitId: requireId(unitIds, objective.unit, 'unit'),
      perspective: objective.perspective,
      nameKo: objective.nameKo,
      nameEn: objective.nameEn,
      weight: objective.weight,
      ownerNo: objective.ownerNo,
      parentCode: objective.parentCode,
    };
    const row = await reconcile(
      stats.objective,
      await tx.strategicObjective.findUnique({ where: key }),
      (stored) => differs(stored, data),
      {
        create: () => tx.strategicObjective.create({ data: { year, code: objective.code, ...data } }),
        update: () => tx.strategicObjective.update({ where: key, data }),
      },
    );
    objectiveIds.set(objective.code, row.id);
  }

  // KPI definitions only: actual, achievement and light belong to the performance workflow.
  for (const kpi of plan.kpis) {
    const key = { year_code: { year, code: kpi.code } };
    const data = {
      objectiveId: requireId(objectiveIds, kpi.objective, 'objective'),
      nameKo: kpi.nameKo,
      nameEn: kpi.nameEn,
      unitLabel: kpi.unitLabel,
      direction: kpi.direction,
      target: kpi.target,
      greenAt: kpi.greenAt,
      yellowAt: kpi.yellowAt,
      weight: kpi.weight,
      source: kpi.source,
      ownerNo: kpi.ownerNo,
    };
    await reconcile(stats.kpi, await tx.kpi.findUnique({ where: key }), (stored) => differs(stored, data), {
      create: () => tx.kpi.create({ data: { year, code: kpi.code, ...data } }),
      update: () => tx.kpi.update({ where: key, data }),
    });
  }

  return stats;
}

/** Like `seedDatabase`, and reports how many rows of each kind were created, updated or left alone. */
export async function seedDatabaseWithStats(
  prisma: PrismaClient,
  options: { year: number; demoPassword: string },
): Promise<SeedStats> {
  // Demo accounts with a published password have no place in production.
  if (process.env.NODE_ENV === 'production') {
    throw new Error('The demo seed refuses to run with NODE_ENV=production');
  }
  const plan = buildSeedPlan(options.year);
  return prisma.$transaction(
    async (tx) => {
      // Serialises concurrent seeds (for example parallel test files) without failing either.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('portal:seed'))`;
      return writePlan(tx, plan, options.demoPassword);
    },
    { maxWait: 30_000, timeout: 120_000 },
  );
}

/** Seeds organisation, staff, categories and the year's scorecard. Idempotent. */
export async function seedDatabase(
  prisma: PrismaClient,
  options: { year: number; demoPassword: string },
): Promise<void> {
  await seedDatabaseWithStats(prisma, options);
}

// ---------------------------------------------------------------------------------------------------------
// Command line

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required (postgresql://user:password@host:port/db)');
  const demoPassword = process.env.DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
  const year = kstYear();
  const prisma = createPrisma(databaseUrl, 2);
  try {
    const stats = await seedDatabaseWithStats(prisma, { year, demoPassword });
    console.log(`Seeded year ${year}:`);
    for (const [model, { created, updated, unchanged }] of Object.entries(stats)) {
      console.log(`  ${model.padEnd(12)} created ${created}, updated ${updated}, unchanged ${unchanged}`);
    }
  } finally {
    await prisma.$disconnect();
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
