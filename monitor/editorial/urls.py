"""URLs of the back office (/editorial/) and of the accounts pages (/accounts/)."""

from django.urls import path

from monitor.editorial import views

app_name = "editorial"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("queue/", views.queue, name="queue"),
    path("team/", views.team, name="team"),
    path("team/<int:user_id>/role/", views.team_role, name="team-role"),
    path("team/assignments/", views.team_assignment_add, name="assignment-add"),
    path(
        "team/assignments/<int:assignment_id>/remove/",
        views.team_assignment_remove,
        name="assignment-remove",
    ),
    path("proposals/new/", views.proposal_new, name="proposal-new"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal-edit"),
    path("proposals/<int:pk>/<slug:action>/", views.proposal_action, name="proposal-action"),
    path("audit/country/<str:iso3>/", views.audit_country, name="audit-country"),
    path("audit/<str:object_type>/<str:object_id>/", views.audit_object, name="audit-object"),
]

#: Included at /accounts/ under the namespace "accounts".
accounts_patterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token-create"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/disable/", views.two_factor_disable, name="two-factor-disable"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password-changed"),
]
