from decimal import Decimal

import pytest
from django.urls import reverse

from spotcheck.catalog import services
from spotcheck.catalog.models import InspectionItem, ItemVersion
from tests.factories import InspectionObjectFactory, QualificationFactory, TagFactory, make_item, publish

S = ItemVersion.Status


@pytest.fixture
def catering(db):
    return TagFactory(code="catering", name="餐饮服务")


def _submitted(item, actor):
    return services.version_submit(actor=actor, version=item.versions.get(status=S.DRAFT))


def _form_data(**overrides):
    data = {
        "name": "药品零售企业监督检查",
        "category": "general",
        "sub_items": "处方药销售\n药师在岗",
        "legal_basis": "《药品管理法》第九十九条",
        "implementing_body": "溧阳市市场监督管理局",
        "scope_description": "",
        "default_ratio": "0.03",
        "times_per_year": "1",
        "methods": ["on_site"],
        "inspection_basis": "",
        "inspection_content": "",
        "inspection_procedure": "",
        "approval_authority": "",
        "disclosure_procedure": "",
        "archiving_method": "",
        "change_note": "",
        "questions-TOTAL_FORMS": "3",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "questions-0-text": "是否凭处方销售处方药",
        "questions-0-basis": "《药品经营质量管理规范》",
        "questions-1-text": "执业药师是否在岗",
        "questions-1-basis": "",
        "questions-2-text": "",
        "questions-2-basis": "",
    }
    data.update(overrides)
    return data


class TestAnonymousAndNoRole:
    @pytest.mark.parametrize("name", ["catalog:list", "catalog:create", "catalog:filings", "catalog:scope_count"])
    def test_anonymous_redirected_to_login(self, client, name, db):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_anonymous_detail_redirected(self, client, published_item):
        response = client.get(reverse("catalog:detail", args=[published_item.pk]))
        assert response.status_code == 302

    @pytest.mark.parametrize("name", ["catalog:list", "catalog:create", "catalog:filings", "catalog:scope_count"])
    def test_no_role_gets_404(self, login, nobody, name):
        assert login(nobody).get(reverse(name)).status_code == 404

    def test_no_role_gets_404_on_published_item(self, login, nobody, published_item):
        assert login(nobody).get(reverse("catalog:detail", args=[published_item.pk])).status_code == 404


class TestList:
    def test_lists_with_status_and_export_link(self, login, scjg_admin, draft_item, published_item):
        response = login(scjg_admin).get(reverse("catalog:list"), {"department": "SCJG"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "SCJG-DRAFT" in html and "SCJG-PUB" in html
        assert 'href="/imports/export/items/?department=SCJG"' in html
        assert response.context["page_obj"].paginator.count == 2

    def test_other_department_sees_published_but_not_drafts(self, login, wsjk_admin, draft_item, published_item):
        services.version_new_draft(actor=published_item.department.memberships.first().user, item=published_item)
        response = login(wsjk_admin).get(reverse("catalog:list"))
        html = response.content.decode()
        assert "SCJG-PUB" in html
        assert "SCJG-DRAFT" not in html
        assert "仅草稿事项" not in html
        rows = list(response.context["page_obj"])
        assert [i.code for i in rows] == ["SCJG-PUB"]
        assert rows[0].open_versions == []  # the draft v2 is not shown to 卫健

    def test_status_filter_does_not_reveal_other_departments_drafts(self, login, wsjk_admin, draft_item):
        response = login(wsjk_admin).get(reverse("catalog:list"), {"status": "draft"})
        assert response.context["page_obj"].paginator.count == 0

    @pytest.mark.parametrize(
        ("params", "codes"),
        [
            ({"q": "仅草稿"}, ["SCJG-DRAFT"]),
            ({"q": "pub"}, ["SCJG-PUB"]),
            ({"status": "published"}, ["SCJG-PUB"]),
            ({"status": "unpublished"}, ["SCJG-DRAFT"]),
            ({"status": "draft"}, ["SCJG-DRAFT"]),
            ({"status": "filing"}, []),
            ({"category": "key"}, []),
            ({"category": "general"}, ["SCJG-DRAFT", "SCJG-PUB"]),
            ({"method": "on_site"}, ["SCJG-DRAFT", "SCJG-PUB"]),
            ({"method": "online"}, []),
            ({"department": "WSJK"}, []),
        ],
    )
    def test_filters(self, login, coordinator, draft_item, published_item, params, codes, wsjk):
        response = login(coordinator).get(reverse("catalog:list"), params)
        assert sorted(i.code for i in response.context["page_obj"]) == codes

    def test_qualification_filter(self, login, coordinator, scjg_admin, scjg):
        qual = QualificationFactory(code="DRUG", name="药品检查")
        make_item(actor=scjg_admin, department=scjg, code="A-1", required_qualifications=[qual])
        make_item(actor=scjg_admin, department=scjg, code="A-2")
        response = login(coordinator).get(reverse("catalog:list"), {"qualification": "DRUG"})
        assert [i.code for i in response.context["page_obj"]] == ["A-1"]

    def test_retired_hidden_unless_asked(self, login, scjg_admin, draft_item, published_item):
        services.item_retire(actor=scjg_admin, item=draft_item, reason="合并")
        client = login(scjg_admin)
        assert [i.code for i in client.get(reverse("catalog:list")).context["page_obj"]] == ["SCJG-PUB"]
        response = client.get(reverse("catalog:list"), {"include_retired": "on"})
        assert sorted(i.code for i in response.context["page_obj"]) == ["SCJG-DRAFT", "SCJG-PUB"]

    def test_paging_keeps_filters(self, login, coordinator, scjg_admin, scjg):
        for n in range(51):
            make_item(actor=scjg_admin, department=scjg, code=f"P-{n:03d}", checklist=[])
        response = login(coordinator).get(reverse("catalog:list"), {"q": "P-"})
        assert response.context["page_obj"].paginator.num_pages == 2
        assert "?q=P-&amp;page=2" in response.content.decode()

    def test_query_count_is_pinned(self, login, coordinator, scjg_admin, scjg, django_assert_num_queries):
        # session, user, memberships (scope), count, department and qualification choices of the
        # filter form, the page of items (with current versions), their open versions.
        client = login(coordinator)
        make_item(actor=scjg_admin, department=scjg, code="Q-0")
        with django_assert_num_queries(8):
            client.get(reverse("catalog:list"))
        for n in range(1, 12):
            item = make_item(actor=scjg_admin, department=scjg, code=f"Q-{n}")
            if n % 2:
                publish(item, actor=scjg_admin, coordinator=coordinator)
        with django_assert_num_queries(8):
            response = client.get(reverse("catalog:list"))
        assert response.context["page_obj"].paginator.count == 12


class TestDetail:
    def test_shows_current_version_with_all_fields(self, login, wsjk_admin, published_item, catering):
        InspectionObjectFactory(tags=[catering])
        InspectionObjectFactory(tags=[catering])
        InspectionObjectFactory()
        response = login(wsjk_admin).get(reverse("catalog:detail", args=[published_item.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        for text in [
            "《食品经营许可和备案管理办法》",
            "亮证告知、现场检查、制作笔录",
            "分管局领导审批",
            "20 个工作日内公示",
            "一户一档",
            "是否取得有效的食品经营许可证",
            "分类标注：餐饮服务",
            "实地核查",
            "5%",
        ]:
            assert text in html, text
        assert response.context["match_count"] == 2
        assert "当前匹配 2 个检查对象" in html

    def test_other_department_draft_item_is_404(self, login, wsjk_admin, draft_item):
        assert login(wsjk_admin).get(reverse("catalog:detail", args=[draft_item.pk])).status_code == 404

    def test_other_department_draft_version_of_published_item_is_404(
        self, login, wsjk_admin, scjg_admin, published_item
    ):
        v2 = services.version_new_draft(actor=scjg_admin, item=published_item)
        client = login(wsjk_admin)
        assert client.get(reverse("catalog:version_detail", args=[v2.pk])).status_code == 404
        assert client.get(reverse("catalog:version_checklist", args=[v2.pk])).status_code == 404
        assert client.get(reverse("catalog:version_compare", args=[v2.pk])).status_code == 404
        response = client.get(reverse("catalog:detail", args=[published_item.pk]))
        assert [v.number for v in response.context["versions"]] == [1]

    @pytest.mark.parametrize("persona", ["scjg_inspector", "scjg_approver", "witness", "auditor", "wsjk_admin"])
    def test_published_readable_by_every_staff_role(self, request, login, persona, published_item):
        client = login(request.getfixturevalue(persona))
        assert client.get(reverse("catalog:detail", args=[published_item.pk])).status_code == 200
        version = published_item.current_version
        assert client.get(reverse("catalog:version_detail", args=[version.pk])).status_code == 200

    def test_history_keeps_every_version_readable(self, login, scjg_admin, coordinator, published_item, wsjk_admin):
        services.version_new_draft(actor=scjg_admin, item=published_item, change_note="第二版")
        published_item.refresh_from_db()
        v2 = publish(published_item, actor=scjg_admin, coordinator=coordinator)
        v1 = published_item.versions.get(number=1)
        client = login(wsjk_admin)
        response = client.get(reverse("catalog:detail", args=[published_item.pk]))
        assert [(v.number, v.status) for v in response.context["versions"]] == [(2, S.PUBLISHED), (1, S.SUPERSEDED)]
        old = client.get(reverse("catalog:version_detail", args=[v1.pk]))
        assert old.status_code == 200
        assert "已被新版本替代" in old.content.decode()
        assert response.context["version"] == v2

    def test_return_reason_shown(self, login, scjg_admin, coordinator, draft_item):
        version = _submitted(draft_item, scjg_admin)
        services.version_return(actor=coordinator, version=version, reason="请补充检查依据")
        html = login(scjg_admin).get(reverse("catalog:version_detail", args=[version.pk])).content.decode()
        assert "请补充检查依据" in html
        assert "退回理由" in html

    def test_compare_side_by_side(self, login, scjg_admin, published_item):
        v2 = services.version_new_draft(actor=scjg_admin, item=published_item)
        services.version_update_draft(actor=scjg_admin, version=v2, name="食品经营监督检查（2027 版）")
        response = login(scjg_admin).get(reverse("catalog:version_compare", args=[v2.pk]))
        assert response.status_code == 200
        changed = [row.label for row in response.context["rows"] if row.changed]
        assert changed == ["事项名称"]
        assert "食品经营监督检查（2027 版）" in response.content.decode()

    def test_printable_checklist(self, login, scjg_inspector, published_item):
        response = login(scjg_inspector).get(
            reverse("catalog:version_checklist", args=[published_item.current_version_id])
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "catalog/checklist.css" in html
        assert "<script" not in html
        assert "是否取得有效的食品经营许可证" in html and "《食品安全法》第三十五条" in html


class TestCreate:
    def test_dept_admin_creates(self, login, scjg_admin, scjg, catering):
        client = login(scjg_admin)
        form = client.get(reverse("catalog:create"))
        assert form.status_code == 200
        assert list(form.context["form"].fields["department"].queryset) == [scjg]
        response = client.post(
            reverse("catalog:create"),
            _form_data(department=scjg.pk, code="SCJG-YP-01", scope_tags=["catering"], scope_kinds=["enterprise"]),
        )
        item = InspectionItem.objects.get(code="SCJG-YP-01")
        assert response.status_code == 302
        assert response["Location"] == reverse("catalog:detail", args=[item.pk])
        version = item.versions.get()
        assert version.scope == {"kinds": ["enterprise"], "tags": ["catering"]}
        assert version.sub_items == ["处方药销售", "药师在岗"]
        assert version.default_ratio == Decimal("0.03")
        assert [(q.text, q.basis) for q in version.questions.all()] == [
            ("是否凭处方销售处方药", "《药品经营质量管理规范》"),
            ("执业药师是否在岗", ""),
        ]

    def test_errors_in_chinese_and_nothing_saved(self, login, scjg_admin, scjg):
        response = login(scjg_admin).post(
            reverse("catalog:create"),
            _form_data(department=scjg.pk, code=" BAD", **{"questions-1-text": "", "questions-1-basis": "只有依据"}),
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "填写了检查依据的条目须填写检查内容。" in html
        assert not InspectionItem.objects.exists()

    def test_service_errors_land_on_fields(self, login, scjg_admin, scjg):
        make_item(actor=scjg_admin, department=scjg, code="DUP")
        response = login(scjg_admin).post(reverse("catalog:create"), _form_data(department=scjg.pk, code="DUP"))
        assert response.status_code == 200
        assert response.context["form"].errors["code"] == ["事项编码“DUP”已被其他事项使用。"]

    def test_add_rows_rerenders_without_saving(self, login, scjg_admin, scjg):
        response = login(scjg_admin).post(
            reverse("catalog:create"), _form_data(department=scjg.pk, code="NEW-1", add_rows="1")
        )
        assert response.status_code == 200
        assert response.context["formset"].total_form_count() == 6
        assert not InspectionItem.objects.exists()

    def test_cannot_create_for_other_department(self, login, wsjk_admin, scjg):
        response = login(wsjk_admin).post(reverse("catalog:create"), _form_data(department=scjg.pk, code="X-1"))
        assert response.status_code == 200
        assert "department" in response.context["form"].errors
        assert not InspectionItem.objects.exists()

    @pytest.mark.parametrize("persona", ["auditor", "scjg_inspector", "witness"])
    def test_read_only_role_gets_403(self, request, login, persona, scjg):
        client = login(request.getfixturevalue(persona))
        assert client.get(reverse("catalog:create")).status_code == 403
        assert client.post(reverse("catalog:create"), _form_data(department=scjg.pk, code="X")).status_code == 403


class TestEdit:
    def test_edit_draft(self, login, scjg_admin, draft_item):
        version = draft_item.versions.get()
        client = login(scjg_admin)
        page = client.get(reverse("catalog:version_edit", args=[version.pk]))
        assert page.status_code == 200
        assert page.context["form"].initial["name"] == "仅草稿事项"
        assert page.context["formset"].initial[0]["text"] == "是否取得有效的食品经营许可证"
        response = client.post(
            reverse("catalog:version_edit", args=[version.pk]),
            _form_data(name="已修改的名称", **{"questions-0-DELETE": "on"}),
        )
        assert response.status_code == 302
        version.refresh_from_db()
        assert version.name == "已修改的名称"
        assert [q.text for q in version.questions.all()] == ["执业药师是否在岗"]

    def test_editing_returned_makes_it_a_draft(self, login, scjg_admin, coordinator, draft_item):
        version = _submitted(draft_item, scjg_admin)
        services.version_return(actor=coordinator, version=version, reason="请修改")
        client = login(scjg_admin)
        page = client.get(reverse("catalog:version_edit", args=[version.pk]))
        assert "请修改" in page.content.decode()
        client.post(reverse("catalog:version_edit", args=[version.pk]), _form_data())
        version.refresh_from_db()
        assert version.status == S.DRAFT

    def test_submitted_cannot_be_edited(self, login, scjg_admin, draft_item):
        version = _submitted(draft_item, scjg_admin)
        response = login(scjg_admin).post(reverse("catalog:version_edit", args=[version.pk]), _form_data(name="X"))
        assert response.status_code == 302
        version.refresh_from_db()
        assert version.name == "仅草稿事项"

    def test_other_department_gets_404(self, login, wsjk_admin, draft_item):
        version = draft_item.versions.get()
        client = login(wsjk_admin)
        assert client.get(reverse("catalog:version_edit", args=[version.pk])).status_code == 404
        assert client.post(reverse("catalog:version_edit", args=[version.pk]), _form_data()).status_code == 404

    @pytest.mark.parametrize("persona", ["auditor", "scjg_inspector", "scjg_approver"])
    def test_read_only_role_gets_403(self, request, login, persona, draft_item):
        version = draft_item.versions.get()
        client = login(request.getfixturevalue(persona))
        assert client.get(reverse("catalog:version_edit", args=[version.pk])).status_code == 403
        assert client.post(reverse("catalog:version_edit", args=[version.pk]), _form_data()).status_code == 403


class TestFilingViews:
    def test_submit_accept_through_pages(self, login, client, scjg_admin, coordinator, draft_item):
        version = draft_item.versions.get()
        response = login(scjg_admin).post(reverse("catalog:version_submit", args=[version.pk]))
        assert response.status_code == 302
        version.refresh_from_db()
        assert version.status == S.FILING

        inbox = login(coordinator).get(reverse("catalog:filings"))
        assert [v.pk for v in inbox.context["page_obj"]] == [version.pk]
        response = client.post(reverse("catalog:version_accept", args=[version.pk]), {"note": "同意"})
        assert response.status_code == 302
        draft_item.refresh_from_db()
        assert draft_item.current_version_id == version.pk
        assert login(coordinator).get(reverse("catalog:filings")).context["page_obj"].paginator.count == 0

    def test_return_requires_reason(self, login, scjg_admin, coordinator, draft_item):
        version = _submitted(draft_item, scjg_admin)
        client = login(coordinator)
        assert client.get(reverse("catalog:version_return", args=[version.pk])).status_code == 200
        response = client.post(reverse("catalog:version_return", args=[version.pk]), {"reason": ""})
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
        version.refresh_from_db()
        assert version.status == S.FILING
        client.post(reverse("catalog:version_return", args=[version.pk]), {"reason": "缺少检查表"})
        version.refresh_from_db()
        assert (version.status, version.review_note) == (S.RETURNED, "缺少检查表")

    def test_dept_admin_cannot_accept_or_return(self, login, scjg_admin, draft_item):
        version = _submitted(draft_item, scjg_admin)
        client = login(scjg_admin)
        assert client.post(reverse("catalog:version_accept", args=[version.pk])).status_code == 403
        assert client.get(reverse("catalog:version_return", args=[version.pk])).status_code == 403
        assert client.post(reverse("catalog:version_return", args=[version.pk]), {"reason": "x"}).status_code == 403
        version.refresh_from_db()
        assert version.status == S.FILING

    def test_auditor_is_read_only(self, login, auditor, scjg_admin, draft_item, published_item):
        client = login(auditor)
        draft = draft_item.versions.get()
        assert client.get(reverse("catalog:version_detail", args=[draft.pk])).status_code == 200
        assert client.post(reverse("catalog:version_submit", args=[draft.pk])).status_code == 403
        submitted = _submitted(draft_item, scjg_admin)
        assert client.post(reverse("catalog:version_accept", args=[submitted.pk])).status_code == 403
        assert client.post(reverse("catalog:version_new", args=[published_item.pk])).status_code == 403
        assert client.post(reverse("catalog:retire", args=[published_item.pk]), {"reason": "x"}).status_code == 403

    def test_submit_error_shown_as_message(self, login, scjg_admin, draft_item):
        version = _submitted(draft_item, scjg_admin)
        response = login(scjg_admin).post(reverse("catalog:version_submit", args=[version.pk]), follow=True)
        assert "只有草稿可以提交备案" in response.content.decode()

    def test_new_version_then_edit(self, login, scjg_admin, published_item):
        response = login(scjg_admin).post(reverse("catalog:version_new", args=[published_item.pk]))
        v2 = published_item.versions.get(number=2)
        assert response["Location"] == reverse("catalog:version_edit", args=[v2.pk])

    def test_retire_and_restore_pages(self, login, scjg_admin, published_item):
        client = login(scjg_admin)
        assert client.get(reverse("catalog:retire", args=[published_item.pk])).status_code == 200
        response = client.post(reverse("catalog:retire", args=[published_item.pk]), {"reason": "法规废止"})
        assert response.status_code == 302
        published_item.refresh_from_db()
        assert published_item.retired_reason == "法规废止"
        client.post(reverse("catalog:restore", args=[published_item.pk]), {"reason": "恢复"})
        published_item.refresh_from_db()
        assert published_item.retired_at is None

    def test_retire_other_department_404(self, login, wsjk_admin, published_item):
        client = login(wsjk_admin)
        assert client.get(reverse("catalog:retire", args=[published_item.pk])).status_code == 404
        assert client.post(reverse("catalog:restore", args=[published_item.pk]), {"reason": "x"}).status_code == 404

    def test_filings_inbox_of_a_department_shows_only_its_own(
        self, login, scjg_admin, wsjk_admin, coordinator, wsjk, draft_item
    ):
        _submitted(draft_item, scjg_admin)
        own = make_item(actor=wsjk_admin, department=wsjk, code="WSJK-1")
        _submitted(own, wsjk_admin)
        wsjk_inbox = login(wsjk_admin).get(reverse("catalog:filings"))
        assert [v.item.code for v in wsjk_inbox.context["page_obj"]] == ["WSJK-1"]
        coordinator_inbox = login(coordinator).get(reverse("catalog:filings"))
        assert coordinator_inbox.context["page_obj"].paginator.count == 2


class TestScopeCount:
    def test_counts_current_form_fields(self, login, scjg_admin, catering, towns):
        InspectionObjectFactory(tags=[catering], region=towns[0])
        InspectionObjectFactory(tags=[catering], region=towns[1])
        InspectionObjectFactory(region=towns[0])
        client = login(scjg_admin)
        response = client.get(
            reverse("catalog:scope_count"),
            {"scope_tags": ["catering"], "scope_regions": [towns[0].code]},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert response.context["match_count"] == 1
        assert "当前匹配 1 个检查对象" in response.content.decode()
        assert client.get(reverse("catalog:scope_count")).context["match_count"] == 3

    def test_unknown_code_reported(self, login, scjg_admin):
        response = login(scjg_admin).get(reverse("catalog:scope_count"), {"scope_tags": ["nope"]})
        assert response.context["match_count"] is None
        assert "分类标注" in response.context["match_count_error"]

    def test_edit_form_wires_htmx(self, login, scjg_admin, draft_item):
        html = login(scjg_admin).get(reverse("catalog:version_edit", args=[draft_item.versions.get().pk])).content
        html = html.decode()
        assert f'hx-get="{reverse("catalog:scope_count")}"' in html
        assert 'hx-include="#scope-fields"' in html
