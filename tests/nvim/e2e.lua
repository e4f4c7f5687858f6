-- The language server driven by a real editor: Neovim, headless (tests/nvim/run.sh starts it).
-- Opens workspace/services.yaml, waits for the diagnostics at the right places, hovers one,
-- applies a quick fix and the "fix all" source action, and sees the findings go. Nothing is
-- saved: the edits stay in the buffer. Uses the API of Neovim 0.7 (Debian 12's), which later
-- versions keep.

local bin = assert(os.getenv('REALIP_LINT_BIN'), 'REALIP_LINT_BIN: the kubectl-realip_lint binary')
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
local root = here .. '/workspace'
local rule = 'external-traffic-policy-invalid-value'
local step_name = 'start'

local function fail(message)
  io.stderr:write('nvim e2e: FAIL at "' .. step_name .. '": ' .. message .. '\n')
  vim.cmd('cquit 1')
end

local function step(name)
  step_name = name
  io.stdout:write('nvim e2e: ' .. name .. '\n')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/services.yaml'))
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({ name = 'realip-lint', cmd = { bin, 'lsp' }, root_dir = root })
  if not client_id then
    return fail('the server did not start')
  end
  vim.lsp.buf_attach_client(buf, client_id)

  -- Where the findings must be: `local` after `externalTrafficPolicy: `, in bytes (Neovim's
  -- columns; the server speaks UTF-16 with it, and the first line has `é` and `😀` before).
  local expected = {}
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = line:find('externalTrafficPolicy: local', 1, true)
    if s then
      table.insert(expected, { lnum = i - 1, col = s - 1 + #'externalTrafficPolicy: ' })
    end
  end
  assert(#expected == 2, 'the fixture has two findings')

  local function findings()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == rule then
        table.insert(out, d)
      end
    end
    table.sort(out, function(a, b) return a.lnum < b.lnum end)
    return out
  end

  step('diagnostics at the right places')
  if not vim.wait(20000, function() return #findings() == 2 end, 50) then
    return fail('expected 2 diagnostics, got ' .. vim.inspect(vim.diagnostic.get(buf)))
  end
  for i, d in ipairs(findings()) do
    local want = expected[i]
    if d.lnum ~= want.lnum or d.col ~= want.col or d.end_col ~= want.col + #'local' then
      return fail('diagnostic ' .. i .. ' at ' .. d.lnum .. ':' .. d.col .. '-' .. d.end_col
        .. ', expected ' .. want.lnum .. ':' .. want.col .. '-' .. (want.col + #'local'))
    end
    if d.severity ~= vim.diagnostic.severity.ERROR or d.source ~= 'realip-lint' then
      return fail('severity or source: ' .. vim.inspect(d))
    end
  end

  step('hover shows the rule\'s manual')
  vim.api.nvim_win_set_cursor(0, { expected[1].lnum + 1, expected[1].col + 1 })
  local hovers = vim.lsp.buf_request_sync(buf, 'textDocument/hover', vim.lsp.util.make_position_params(), 10000)
  local hover = hovers and hovers[client_id] and hovers[client_id].result
  local text = hover and hover.contents and hover.contents.value or ''
  if not text:find('# ' .. rule, 1, true) or not text:find('Quick fix (safe)', 1, true) then
    return fail('hover: ' .. vim.inspect(hovers))
  end

  local function actions(only)
    local params = vim.lsp.util.make_range_params()
    params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf), only = { only } }
    local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000)
    return responses and responses[client_id] and responses[client_id].result or {}
  end

  -- As Neovim's own code-action menu does: an action without its edit is resolved first.
  local function apply(action)
    local client = vim.lsp.get_client_by_id(client_id)
    if not action.edit then
      local resolved = vim.lsp.buf_request_sync(buf, 'codeAction/resolve', action, 10000)
      action = resolved and resolved[client_id] and resolved[client_id].result or {}
      if not action.edit then
        return fail('the resolved action has no edit: ' .. vim.inspect(resolved))
      end
    end
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  end

  step('the quick fix of the first finding')
  local quick = actions('quickfix')
  if #quick ~= 1 or not quick[1].isPreferred or not quick[1].edit then
    return fail('quick fixes: ' .. vim.inspect(quick))
  end
  apply(quick[1])
  if not vim.wait(20000, function() return #findings() == 1 end, 50) then
    return fail('the first finding did not go: ' .. vim.inspect(findings()))
  end
  local fixed = vim.api.nvim_buf_get_lines(buf, expected[1].lnum, expected[1].lnum + 1, false)[1]
  if not fixed:find('externalTrafficPolicy: Local}}', 1, true) or not fixed:find('équipe 😀', 1, true) then
    return fail('the fixed line: ' .. fixed)
  end

  step('fix all safe fixes in the file')
  vim.api.nvim_win_set_cursor(0, { expected[2].lnum + 1, 0 })
  local all = actions('source.fixAll')
  -- Neovim resolves code actions: the edit comes when the action is chosen.
  if #all ~= 1 or all[1].kind ~= 'source.fixAll.realip-lint' or all[1].edit then
    return fail('fix-all actions: ' .. vim.inspect(all))
  end
  apply(all[1])
  if not vim.wait(20000, function() return #findings() == 0 end, 50) then
    return fail('the second finding did not go: ' .. vim.inspect(findings()))
  end
  local line = vim.api.nvim_buf_get_lines(buf, expected[2].lnum, expected[2].lnum + 1, false)[1]
  if line ~= '  externalTrafficPolicy: Local' then
    return fail('the second fixed line: ' .. line)
  end

  step('done')
  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
end)
if not ok then
  fail(tostring(err))
end
vim.cmd('qall!')
