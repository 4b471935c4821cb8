import { lazy, Suspense, useEffect } from 'react';
import { Link, NavLink as RouterNavLink, Route, Routes, useLocation } from 'react-router';
import {
  AppShell,
  Anchor,
  Burger,
  Button,
  Group,
  NavLink,
  SegmentedControl,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Loading } from './components.tsx';
import { isAdmin, isLeader, isManager, useMe, useSignOut } from './session.ts';
import { Home } from './pages/Home.tsx';

const FileComplaint = lazy(() => import('./pages/FileComplaint.tsx'));
const MySpace = lazy(() => import('./pages/MySpace.tsx'));
const Survey = lazy(() => import('./pages/Survey.tsx'));
const Mailbox = lazy(() => import('./pages/Mailbox.tsx'));
const SignIn = lazy(() => import('./pages/SignIn.tsx'));
const Inbox = lazy(() => import('./pages/Inbox.tsx'));
const Reviews = lazy(() => import('./pages/Reviews.tsx'));
const ComplaintWork = lazy(() => import('./pages/ComplaintWork.tsx'));
const Casework = lazy(() => import('./pages/Casework.tsx'));
const TaskDetail = lazy(() => import('./pages/TaskDetail.tsx'));
const Tasks = lazy(() => import('./pages/Tasks.tsx'));
const NewTask = lazy(() => import('./pages/NewTask.tsx'));
const Stuck = lazy(() => import('./pages/Stuck.tsx'));
const Performance = lazy(() => import('./pages/Performance.tsx'));
const Results = lazy(() => import('./pages/Results.tsx'));
const YearEnd = lazy(() => import('./pages/YearEnd.tsx'));
const Evaluations = lazy(() => import('./pages/Evaluations.tsx'));
const KpiEntries = lazy(() => import('./pages/KpiEntries.tsx'));
const Innovations = lazy(() => import('./pages/Innovations.tsx'));
const Admin = lazy(() => import('./pages/Admin.tsx'));
const AdminOrganisation = lazy(() => import('./pages/AdminOrganisation.tsx'));
const AdminUsers = lazy(() => import('./pages/AdminUsers.tsx'));
const AdminCategories = lazy(() => import('./pages/AdminCategories.tsx'));
const WorkflowHistory = lazy(() => import('./pages/WorkflowHistory.tsx'));
const PublicTasks = lazy(() => import('./pages/PublicTasks.tsx'));
const CustomerTask = lazy(() => import('./pages/CustomerTask.tsx'));
const CustomerRate = lazy(() => import('./pages/CustomerRate.tsx'));
const Development = lazy(() => import('./pages/Development.tsx'));
const DevelopmentNeeds = lazy(() => import('./pages/DevelopmentNeeds.tsx'));
const Password = lazy(() => import('./pages/Password.tsx'));

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('lang.label')}
      value={i18n.language === 'en' ? 'en' : 'ko'}
      onChange={(value) => void i18n.changeLanguage(value)}
      data={[
        { value: 'ko', label: <span lang="ko">{t('lang.ko')}</span> },
        { value: 'en', label: <span lang="en">{t('lang.en')}</span> },
      ]}
      data-testid="language-switch"
    />
  );
}

function Navigation({ onNavigate }: { onNavigate: () => void }) {
  const { t } = useTranslation();
  const { me } = useMe();
  const location = useLocation();
  const item = (to: string, label: string) => (
    <NavLink
      key={to}
      component={RouterNavLink}
      to={to}
      label={label}
      variant="filled"
      active={
        to === '/'
          ? location.pathname === '/'
          : to === '/admin'
            ? location.pathname === '/admin' || location.pathname.startsWith('/admin/workflows')
            : location.pathname.startsWith(to)
      }
      onClick={onNavigate}
    />
  );
  return (
    <nav aria-label={t('app.title')}>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="xs">
        {t('nav.citizen')}
      </Text>
      {item('/', t('nav.home'))}
      {item('/file', t('nav.file'))}
      {item('/my-space', t('nav.mySpace'))}
      {item('/public/tasks', t('customers.nav'))}
      {item('/mailbox', t('nav.mailbox'))}
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md">
        {t('nav.staff')}
      </Text>
      {me ? (
        <>
          {item('/casework', t('casework.nav'))}
          {item('/inbox', t('nav.inbox'))}
          {item('/tasks', t('tasks.nav'))}
          {isLeader(me) ? item('/reviews', t('nav.reviews')) : null}
          {isManager(me) ? item('/manager/stuck', t('nav.stuck')) : null}
          {item('/performance/results', t('nav.results'))}
          {['HR', 'ADMIN', 'HEAD'].includes(me.role)
            ? item('/performance/year-end', t('perfWork.nav.yearEnd'))
            : null}
          {item('/performance/evaluations', t('perfWork.nav.evaluations'))}
          {item('/performance/kpi-entries', t('perfWork.nav.kpiEntries'))}
          {item('/performance/innovations', t('perfWork.nav.innovations'))}
          {item('/performance', t('nav.performance'))}
          {item('/development', t('development.nav'))}
          {['HR', 'ADMIN', 'HEAD'].includes(me.role)
            ? item('/hr/development', t('development.navNeeds'))
            : null}
          {isAdmin(me) ? item('/admin', t('nav.admin')) : null}
          {isAdmin(me) ? item('/admin/organisation', t('directory.nav.organisation')) : null}
          {isAdmin(me) || me.role === 'HR' ? item('/admin/users', t('directory.nav.users')) : null}
          {isAdmin(me) ? item('/admin/categories', t('directory.nav.categories')) : null}
        </>
      ) : (
        item('/signin', t('nav.signIn'))
      )}
    </nav>
  );
}

export function App() {
  const { t, i18n } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure();
  const { me } = useMe();
  const signOut = useSignOut();
  const location = useLocation();
  useEffect(() => close(), [location.pathname, close]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a href="#main" className="skip-link">
        {t('app.skip')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('app.menu')} />
            <Anchor component={Link} to="/" underline="never" c="inherit">
              <Title order={2} size="h4" style={{ whiteSpace: 'nowrap' }}>
                {t('app.title')}
              </Title>
            </Anchor>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguageSwitch />
            {me ? (
              <Group gap="xs" wrap="nowrap" visibleFrom="xs">
                <Text size="sm" data-testid="signed-in-as">
                  {t('signIn.signedInAs', {
                    name: i18n.language === 'en' ? me.nameEn : me.name,
                    role: t(`role.${me.role}`),
                  })}
                </Text>
                <Button size="xs" variant="subtle" component={Link} to="/account/password">
                  {t('account.changeTitle')}
                </Button>
                <Button size="xs" variant="default" onClick={() => void signOut()}>
                  {t('nav.signOut')}
                </Button>
              </Group>
            ) : null}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" style={{ overflowY: 'auto' }}>
        <Navigation onNavigate={close} />
        {me ? (
          <Button hiddenFrom="xs" mt="md" size="xs" variant="default" onClick={() => void signOut()}>
            {t('nav.signOut')}
          </Button>
        ) : null}
      </AppShell.Navbar>
      <AppShell.Main>
        <div id="main" tabIndex={-1} className="page">
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route path="/" element={<Home />} />
              <Route path="/file" element={<FileComplaint />} />
              <Route path="/my-space" element={<MySpace />} />
              <Route path="/survey/:receiptNo" element={<Survey />} />
              <Route path="/mailbox" element={<Mailbox />} />
              <Route path="/signin" element={<SignIn />} />
              <Route path="/casework" element={<Casework />} />
              <Route path="/account/password" element={<Password />} />
              <Route path="/reset-password" element={<Password />} />
              <Route path="/inbox" element={<Inbox />} />
              <Route path="/reviews" element={<Reviews />} />
              <Route path="/complaints/:receiptNo" element={<ComplaintWork />} />
              <Route path="/tasks" element={<Tasks />} />
              <Route path="/tasks/new" element={<NewTask />} />
              <Route path="/tasks/:id" element={<TaskDetail />} />
              <Route path="/manager/stuck" element={<Stuck />} />
              <Route path="/performance" element={<Performance />} />
              <Route path="/performance/:year/scorecards/:unitCode" element={<Performance />} />
              <Route path="/performance/results" element={<Results />} />
              <Route path="/performance/year-end" element={<YearEnd />} />
              <Route path="/performance/evaluations" element={<Evaluations />} />
              <Route path="/performance/kpi-entries" element={<KpiEntries />} />
              <Route path="/performance/innovations" element={<Innovations />} />
              <Route path="/admin" element={<Admin />} />
              <Route path="/admin/organisation" element={<AdminOrganisation />} />
              <Route path="/admin/users" element={<AdminUsers />} />
              <Route path="/admin/categories" element={<AdminCategories />} />
              <Route path="/admin/workflows/:workflowId" element={<WorkflowHistory />} />
              <Route path="/public/tasks" element={<PublicTasks />} />
              <Route path="/customer" element={<CustomerTask />} />
              <Route path="/customer/rate" element={<CustomerRate />} />
              <Route path="/development" element={<Development />} />
              <Route path="/hr/development" element={<DevelopmentNeeds />} />
              <Route path="*" element={<Home />} />
            </Routes>
          </Suspense>
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
