#include "UserTableModel.h"

#include <algorithm>

namespace zenml::users {

namespace {

int kindIndex(AccountKind kind)
{
    return static_cast<int>(kind);
}

template <typename T> int compareValues(const T& left, const T& right)
{
    return left < right ? -1 : (right < left ? 1 : 0);
}

} // namespace

UserTableModel::UserTableModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_yes(tr("Yes"))
    , m_no(tr("No"))
{
    for (const AccountKind kind : { AccountKind::Local, AccountKind::Sso,
             AccountKind::ServiceAccount, AccountKind::ReservedAdmin }) {
        m_kindLabels[kindIndex(kind)] = accountKindLabel(kind);
        m_foldedKindLabels[kindIndex(kind)] = accountKindLabel(kind).toCaseFolded();
    }
}

int UserTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_users.size());
}

int UserTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};

    const int row = index.row();
    const User& user = m_users.at(row);
    const RowCache& cache = m_cache.at(row);

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case UsernameColumn:
            return user.username;
        case NameColumn:
            return user.name;
        case EmailColumn:
            return user.email;
        case KindColumn:
            return m_kindLabels[kindIndex(cache.kind)];
        case SuperuserColumn:
            return user.isSuperuser ? m_yes : QString();
        case ActiveColumn:
            return user.isActive ? m_yes : m_no;
        case MustChangePasswordColumn:
            return user.passwordExpired ? m_yes : QString();
        }
        break;

    case SortRole:
        switch (index.column()) {
        case UsernameColumn:
            return cache.foldedUsername;
        case NameColumn:
            return cache.foldedName;
        case EmailColumn:
            return cache.foldedEmail;
        case KindColumn:
            return m_foldedKindLabels[kindIndex(cache.kind)];
        case SuperuserColumn:
            return int(user.isSuperuser);
        case ActiveColumn:
            return int(user.isActive);
        case MustChangePasswordColumn:
            return int(user.passwordExpired);
        }
        break;

    case UserIdRole:
        return user.id;

    case SearchTextRole:
        return cache.searchText;

    case Qt::TextAlignmentRole:
        if (index.column() >= SuperuserColumn)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignCenter));
        break;

    case Qt::ToolTipRole:
        switch (index.column()) {
        case UsernameColumn:
            return tr("Account id: %1").arg(user.id);
        case KindColumn:
            switch (cache.kind) {
            case AccountKind::Local:
                return tr("Signs in with a username and password kept by the control plane.");
            case AccountKind::Sso:
                return tr("Signs in through single sign-on (%1); it has no local password.")
                    .arg(user.oauthProvider.isEmpty() ? tr("provider not named")
                                                      : user.oauthProvider);
            case AccountKind::ServiceAccount:
                return tr("A service account used by programs through API keys.");
            case AccountKind::ReservedAdmin:
                return tr("The deployment's reserved admin account: it cannot be deleted or "
                          "renamed.");
            }
            break;
        case ActiveColumn:
            if (!user.isActive)
                return tr("This account is deactivated and cannot sign in.");
            break;
        case MustChangePasswordColumn:
            if (user.passwordExpired)
                return tr("The user must choose a new password at the next sign-in.");
            break;
        }
        break;
    }
    return {};
}

QVariant UserTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (section) {
    case UsernameColumn:
        return tr("Username");
    case NameColumn:
        return tr("Name");
    case EmailColumn:
        return tr("E-mail");
    case KindColumn:
        return tr("Kind");
    case SuperuserColumn:
        return tr("Super-user");
    case ActiveColumn:
        return tr("Active");
    case MustChangePasswordColumn:
        return tr("Must change password");
    }
    return {};
}

Qt::ItemFlags UserTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return QAbstractTableModel::flags(index);
    return QAbstractTableModel::flags(index) | Qt::ItemNeverHasChildren;
}

void UserTableModel::clear()
{
    rowsChanged();
    beginResetModel();
    m_users.clear();
    m_cache.clear();
    m_rowById.clear();
    endResetModel();
}

void UserTableModel::resetUsers(const UserList& users)
{
    rowsChanged();
    beginResetModel();
    m_users.clear();
    m_cache.clear();
    m_rowById.clear();
    m_users.reserve(users.size());
    m_cache.reserve(users.size());
    m_rowById.reserve(users.size());
    for (const User& user : users) {
        const auto existing = user.id.isEmpty() ? m_rowById.cend() : m_rowById.constFind(user.id);
        if (existing != m_rowById.cend()) {
            // A duplicate id keeps its first position and the latest values.
            m_users[*existing] = user;
            m_cache[*existing] = cacheFor(user);
            continue;
        }
        if (!user.id.isEmpty())
            m_rowById.insert(user.id, int(m_users.size()));
        m_users.append(user);
        m_cache.append(cacheFor(user));
    }
    endResetModel();
}

void UserTableModel::appendUsers(const UserList& users)
{
    // Split the batch into rows that replace known ids and rows that are new.
    UserList fresh;
    fresh.reserve(users.size());
    QHash<QString, qsizetype> freshIndex;
    int firstChanged = -1;
    int lastChanged = -1;
    for (const User& user : users) {
        if (!user.id.isEmpty()) {
            if (const auto row = m_rowById.constFind(user.id); row != m_rowById.cend()) {
                m_users[*row] = user;
                m_cache[*row] = cacheFor(user);
                firstChanged = firstChanged < 0 ? *row : std::min(firstChanged, *row);
                lastChanged = std::max(lastChanged, *row);
                continue;
            }
            if (const auto at = freshIndex.constFind(user.id); at != freshIndex.cend()) {
                fresh[*at] = user;
                continue;
            }
            freshIndex.insert(user.id, fresh.size());
        }
        fresh.append(user);
    }

    rowsChanged(/*appendOnly=*/firstChanged < 0);
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));

    if (fresh.isEmpty())
        return;
    const int first = int(m_users.size());
    beginInsertRows({}, first, first + int(fresh.size()) - 1);
    for (const User& user : std::as_const(fresh)) {
        if (!user.id.isEmpty())
            m_rowById.insert(user.id, int(m_users.size()));
        m_users.append(user);
        m_cache.append(cacheFor(user));
    }
    endInsertRows();
}

void UserTableModel::upsertUser(const User& user)
{
    const int row = rowOfId(user.id);
    if (row < 0) {
        appendUsers({ user });
        return;
    }
    replaceRow(row, user);
}

bool UserTableModel::removeUser(const QString& id)
{
    const int row = rowOfId(id);
    if (row < 0)
        return false;

    rowsChanged();
    beginRemoveRows({}, row, row);
    m_users.removeAt(row);
    m_cache.removeAt(row);
    m_rowById.remove(id);
    // Every row after the removed one moved up by one.
    for (auto it = m_rowById.begin(); it != m_rowById.end(); ++it) {
        if (it.value() > row)
            --it.value();
    }
    endRemoveRows();
    return true;
}

int UserTableModel::rowOfId(const QString& id) const
{
    if (id.isEmpty())
        return -1;
    return m_rowById.value(id, -1);
}

const User& UserTableModel::userAt(int row) const
{
    Q_ASSERT(row >= 0 && row < m_users.size());
    return m_users.at(row);
}

bool UserTableModel::lessThan(int leftRow, int rightRow, int column) const
{
    if (column >= 0 && column < ColumnCount && m_rankStructure[column] == m_structureVersion
        && m_rankedRows[column] == m_users.size())
        return m_rank[column][leftRow] < m_rank[column][rightRow];
    return compareRows(leftRow, rightRow, column) < 0;
}

void UserTableModel::prepareSortKeys(int column) const
{
    if (column < 0 || column >= ColumnCount)
        return;
    const int rows = int(m_users.size());
    const bool current = m_rankStructure[column] == m_structureVersion;
    if (current && m_rankedRows[column] == rows)
        return;
    const auto less
        = [this, column](int left, int right) { return compareRows(left, right, column) < 0; };

    std::vector<int> order(rows);
    if (current && m_rankedRows[column] > 0) {
        // Rows were only appended since the last ranking: sort the new ones and merge them
        // in, which costs one pass instead of a full sort while pages arrive.
        const int ranked = m_rankedRows[column];
        const std::vector<int>& rank = m_rank[column];
        std::vector<int> old(ranked);
        for (int row = 0; row < ranked; ++row)
            old[rank[row]] = row;
        std::vector<int> fresh(rows - ranked);
        for (int row = ranked; row < rows; ++row)
            fresh[row - ranked] = row;
        std::sort(fresh.begin(), fresh.end(), less);
        std::merge(old.cbegin(), old.cend(), fresh.cbegin(), fresh.cend(), order.begin(), less);
    } else {
        for (int row = 0; row < rows; ++row)
            order[row] = row;
        std::sort(order.begin(), order.end(), less);
    }

    std::vector<int>& rank = m_rank[column];
    rank.assign(rows, 0);
    for (int position = 0; position < rows; ++position)
        rank[order[position]] = position;
    m_rankStructure[column] = m_structureVersion;
    m_rankedRows[column] = rows;
}

int UserTableModel::compareRows(int leftRow, int rightRow, int column) const
{
    const User& left = m_users.at(leftRow);
    const User& right = m_users.at(rightRow);
    const RowCache& leftCache = m_cache.at(leftRow);
    const RowCache& rightCache = m_cache.at(rightRow);

    int order = 0;
    switch (column) {
    case UsernameColumn:
        order = leftCache.foldedUsername.compare(rightCache.foldedUsername);
        break;
    case NameColumn:
        order = leftCache.foldedName.compare(rightCache.foldedName);
        break;
    case EmailColumn:
        order = leftCache.foldedEmail.compare(rightCache.foldedEmail);
        break;
    case KindColumn:
        order = m_foldedKindLabels[kindIndex(leftCache.kind)].compare(
            m_foldedKindLabels[kindIndex(rightCache.kind)]);
        break;
    case SuperuserColumn:
        order = compareValues(left.isSuperuser, right.isSuperuser);
        break;
    case ActiveColumn:
        order = compareValues(left.isActive, right.isActive);
        break;
    case MustChangePasswordColumn:
        order = compareValues(left.passwordExpired, right.passwordExpired);
        break;
    }
    // Equal keys fall back to the username so that a sorted view is stable across refreshes.
    if (order == 0 && column != UsernameColumn)
        order = leftCache.foldedUsername.compare(rightCache.foldedUsername);
    return order;
}

void UserTableModel::setReservedAdminUsername(const QString& username)
{
    if (username == m_reservedAdminUsername)
        return;
    m_reservedAdminUsername = username;
    rowsChanged();
    for (qsizetype row = 0; row < m_users.size(); ++row)
        m_cache[row].kind = m_users.at(row).kind(m_reservedAdminUsername);
    if (!m_users.isEmpty()) {
        Q_EMIT dataChanged(index(0, KindColumn), index(int(m_users.size()) - 1, KindColumn));
    }
}

UserTableModel::RowCache UserTableModel::cacheFor(const User& user) const
{
    RowCache cache;
    cache.foldedUsername = user.username.toCaseFolded();
    cache.foldedName = user.name.toCaseFolded();
    cache.foldedEmail = user.email.toCaseFolded();
    // A newline cannot be typed into the search field, so a match never spans two fields.
    cache.searchText = cache.foldedUsername + QLatin1Char('\n') + cache.foldedName
        + QLatin1Char('\n') + cache.foldedEmail;
    cache.kind = user.kind(m_reservedAdminUsername);
    return cache;
}

void UserTableModel::replaceRow(int row, const User& user)
{
    rowsChanged();
    m_users[row] = user;
    m_cache[row] = cacheFor(user);
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace zenml::users
